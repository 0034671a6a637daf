import Foundation
import KioskConfig

/// The diagnostics `body` throws, or an empty list when it does not throw.
func diagnostics<T>(_ body: () throws(ConfigurationErrors) -> T) -> [ConfigDiagnostic] {
    do {
        _ = try body()
        return []
    } catch {
        return error.diagnostics
    }
}

/// A minimal valid kiosk.conf followed by `extra` lines.
func minimalConfig(_ extra: String = "") -> String {
    "[Kiosk]\nId=YB-VANYEN-01\nOffice=Bưu điện huyện Văn Yên\n" + extra
}

/// The diagnostics of parsing kiosk.conf `text` as `/etc/kiosk/kiosk.conf`.
func kioskDiagnostics(_ text: String) -> [ConfigDiagnostic] {
    diagnostics { () throws(ConfigurationErrors) in
        try KioskConfiguration.parse(text: text, file: "/etc/kiosk/kiosk.conf")
    }
}

/// A fresh temporary directory; remove it with `removeTree`.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/kiosk-config-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `bytes` to `path`.
func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Removes a directory tree made by a test.
func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// `Hardware/examples/` of this checkout, found from this file's path.
func examplesDirectory(_ file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    for _ in 0..<3 { url.deleteLastPathComponent() }  // TestSupport.swift, KioskConfigTests, Tests
    return url.path + "/Hardware/examples"
}
