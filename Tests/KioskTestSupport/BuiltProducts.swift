import Foundation

/// Paths of the executables SwiftPM built next to the test bundle.
public enum BuiltProducts {
    /// The folder holding `kioskd`, `kioskctl`, `kiosk-central`, `kiosk-bench`.
    public static let directory: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the runner is .build/<config>/KioskControllerPackageTests.xctest, one level down on macOS.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("kioskd").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// The full path of one product.
    public static func path(_ name: String) -> String { directory + "/" + name }
}
