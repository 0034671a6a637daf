#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POSIX error number, with the call that produced it so a technician can act on it.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The C `errno` value.
    public var code: Int32
    /// The failing call, e.g. `open(/dev/ttyUSB0)`.
    public var call: String

    /// Creates an error from an errno and the call's name.
    public init(_ code: Int32, call: String) {
        self.code = code
        self.call = call
    }

    /// `strerror` text.
    public var reason: String { String(cString: strerror(code)) }

    /// `open(/dev/ttyUSB0): No such file or directory (errno 2)`.
    public var description: String { "\(call): \(reason) (errno \(code))" }

    /// Whether the error means the device went away (unplugged USB): EIO, ENXIO, ENODEV.
    public var meansDeviceGone: Bool { code == EIO || code == ENXIO || code == ENODEV }
}

/// Runs a system call, retrying on `EINTR`, and throws `SystemError` when it returns -1.
///
/// Not for `close`, which must never be retried on Linux.
@discardableResult
public func retryingInterrupts<T: FixedWidthInteger>(_ call: @autoclosure () -> String, _ body: () -> T)
    throws(SystemError) -> T
{
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SystemError(code, call: call())
    }
}
