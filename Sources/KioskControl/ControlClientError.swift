import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Why a control-socket request failed, in words a technician can act on.
public struct ControlClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for exit codes.
    public enum Kind: Sendable, Equatable {
        /// No socket file, or nobody listening: kioskd is not running.
        case notRunning
        /// The socket exists but this user may not use it.
        case permissionDenied
        /// kioskd did not answer in time.
        case timedOut
        /// kioskd closed the connection before answering.
        case closed
        /// kioskd is running but turned this connection away (`busy`: every control slot has
        /// a request in progress); trying again shortly works.
        case busy
        /// The answer was not one JSON line.
        case badAnswer
        /// Anything else (the error text says what).
        case other
    }

    /// What kind of failure.
    public var kind: Kind
    /// The sentence for the technician.
    public var description: String

    /// Creates an error.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// Whether the service is simply not there (kioskctl's exit code 69).
    public var meansServiceUnavailable: Bool { kind == .notRunning }

    static func connecting(_ error: SystemError, path: String, group: String) -> ControlClientError {
        switch error.code {
        case ENOENT, ECONNREFUSED, ENOTDIR:
            ControlClientError(.notRunning, "kioskd is not running (no control socket at \(path))")
        case EACCES, EPERM:
            ControlClientError(
                .permissionDenied,
                "permission denied: add yourself to group \(group) (control socket \(path); log in again after)")
        default:
            ControlClientError(.other, "control socket \(path): \(error)")
        }
    }
}
