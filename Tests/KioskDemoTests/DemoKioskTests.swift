import Foundation
import KioskConfig
import Testing

@testable import KioskDemo

/// `kioskd --demo`'s own files: the configuration it writes, and what it leaves behind. The
/// demo's state holds what was typed at it (names, ID numbers): it must not outlive the demo.
@Suite("Demo kiosk")
struct DemoKioskTests {
    private func demoDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "kiosk-demo-test-" + UUID().uuidString
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/receipts", withIntermediateDirectories: true)
        try files.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        for name in ["central.key", "central.db", "kiosk.conf", "state/kiosk.db", "receipts/LCMA01-0001.txt"] {
            #expect(files.createFile(atPath: directory + "/" + name, contents: Data("x".utf8)))
        }
        return directory
    }

    @Test("the configuration it writes is a valid kiosk.conf pointing into its directory")
    func configuration() throws {
        let text = DemoKiosk.configuration(
            directory: "/tmp/demo", examples: "/usr/share/kiosk/examples", kioskId: "DEMO-MAUA-01", port: 8080)
        let configuration = try KioskConfiguration.parse(text: text, file: "demo kiosk.conf")
        #expect(configuration.kiosk.id == "DEMO-MAUA-01")
        #expect(configuration.printer.device == "/tmp/demo/printer")
        #expect(configuration.control.socket == "/tmp/demo/control.sock")
        #expect(configuration.central.url == "http://127.0.0.1:8080")
    }

    @Test("stopping removes databases, key and configuration, and keeps the receipts")
    func keepsOnlyReceipts() throws {
        let directory = try demoDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        DemoKiosk.removeState(directory: directory, keeping: "receipts")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["receipts"])
        #expect(FileManager.default.fileExists(atPath: directory + "/receipts/LCMA01-0001.txt"))
    }

    @Test("with nothing kept, the directory itself goes")
    func removesEverything() throws {
        let directory = try demoDirectory()
        DemoKiosk.removeState(directory: directory, keeping: nil)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
