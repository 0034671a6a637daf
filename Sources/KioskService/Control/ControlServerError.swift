import KioskControl
import KioskSystem

/// Why the control socket could not be opened, in words a technician can act on.
public struct ControlServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, with the socket path.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }

    static func anotherServer(_ path: String) -> ControlServerError {
        ControlServerError("control socket \(path): another kioskd is already listening there (stop it first)")
    }

    static func notASocket(_ path: String) -> ControlServerError {
        ControlServerError(
            "control socket \(path): the path exists and is not a socket; remove it or change [Control] Socket=")
    }

    static func pathTooLong(_ path: String) -> ControlServerError {
        ControlServerError(
            "control socket \(path): path longer than \(UnixStream.maximumPathBytes) bytes; choose a shorter [Control] Socket="
        )
    }

    static func system(_ path: String, _ error: SystemError) -> ControlServerError {
        ControlServerError("control socket \(path): \(error)")
    }
}
