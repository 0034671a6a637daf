#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a kiosk key could not be used, worded for the technician who installs key files.
public struct KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key file, when the key came from one.
    public var path: String?
    /// What is wrong, e.g. "12 bytes, need at least 32".
    public var reason: String

    /// Creates an error.
    public init(path: String?, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `key file /etc/kiosk/central.key: 12 bytes, need at least 32`.
    public var description: String {
        if let path { return "key file \(path): \(reason)" }
        return "kiosk key: \(reason)"
    }
}

/// The kiosk's secret: raw bytes of the key file, trailing newline stripped, at least 32 bytes.
///
/// Exactly one trailing line ending is stripped, `\n` or `\r\n`, so a key written with
/// `echo` or a Windows editor signs the same as one written with `printf`. Any other byte,
/// including leading or inner whitespace, is part of the key.
public struct KioskKey: Sendable, Equatable {
    /// The smallest key length the protocol accepts.
    public static let minimumLength = 32

    /// The key bytes used for HMAC.
    public let bytes: [UInt8]

    /// Wraps key bytes as they are (no newline stripping).
    ///
    /// Throws when there are fewer than ``minimumLength`` bytes; the error names the length.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count >= Self.minimumLength else {
            throw KeyError(path: nil, reason: "\(bytes.count) bytes, need at least \(Self.minimumLength)")
        }
        self.bytes = bytes
    }

    /// Reads a key file: its raw bytes with one trailing `\n` or `\r\n` removed.
    ///
    /// Throws when the file cannot be read, is readable by other users (see
    /// ``KeyFilePermissions``) or the key is too short; the error names the file.
    /// `minimumLength` is the protocol's 32 for kiosk keys (other secrets, such as the
    /// receiver's admin token, may ask for less). `readerGroup`: the group the permissions are
    /// judged for (default: this process's), see ``KeyFilePermissions``.
    public init(
        contentsOfFile path: String, minimumLength: Int = KioskKey.minimumLength, readerGroup: gid_t? = nil
    ) throws(KeyError) {
        var raw = try Self.readFile(path, readerGroup: readerGroup)
        Self.stripTrailingNewline(&raw)
        guard raw.count >= minimumLength else {
            throw KeyError(
                path: path,
                reason: "\(raw.count) bytes after stripping the newline, need at least \(minimumLength)")
        }
        self.bytes = raw
    }

    /// Removes one trailing `\n` or `\r\n`.
    static func stripTrailingNewline(_ raw: inout [UInt8]) {
        if raw.last == UInt8(ascii: "\n") {
            raw.removeLast()
            if raw.last == UInt8(ascii: "\r") { raw.removeLast() }
        }
    }

    /// Reads a whole (small) file with POSIX calls, so errors carry errno text.
    private static func readFile(_ path: String, readerGroup: gid_t?) throws(KeyError) -> [UInt8] {
        // Refused before a byte is read when others can read it (KeyFilePermissions).
        let fd = try KeyFilePermissions.openChecked(path, readerGroup: readerGroup)
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw KeyError(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            result.append(contentsOf: chunk[0..<n])
            // A key is a few dozen bytes; a huge file is a mistake (wrong path), not a key.
            if result.count > 1 << 20 {
                throw KeyError(path: path, reason: "larger than 1 MiB, not a key file")
            }
        }
        return result
    }
}
