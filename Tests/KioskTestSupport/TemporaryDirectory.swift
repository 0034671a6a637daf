import Foundation

/// A fresh directory under the system temp dir, removed (with everything in it) when the
/// value goes away: the one temporary directory of the test targets.
public final class TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates `<tmp>/<prefix><uuid>`.
    public init(prefix: String = "kiosk-test-") throws {
        path = NSTemporaryDirectory() + prefix + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
