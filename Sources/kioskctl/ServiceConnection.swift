import KioskConfig
import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// kioskctl's way to a running kioskd: its control socket (docs/control-socket.md).
enum ServiceConnection {
    /// The socket and the group that may use it.
    struct Endpoint {
        var socketPath: String
        var group: String
        /// `--timeout SECONDS`, when given: how long to wait for kioskd's answer.
        var timeout: Duration?
    }

    static let defaultConfig = "/etc/kiosk/kiosk.conf"

    /// `--socket PATH`, else `[Control] Socket=` of `--config FILE` (default
    /// /etc/kiosk/kiosk.conf; when that default cannot be read, the default socket path).
    ///
    /// `consumingConfig` false leaves `--config` for `DatabaseLocation` to read as well.
    static func endpoint(_ arguments: inout ArgumentList, consumingConfig: Bool = true) throws -> Endpoint {
        let socket = try arguments.option("--socket")
        let timeout = try arguments.option("--timeout").map { text in
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw ArgumentList.UsageError("--timeout needs a number of seconds, 1 to 3600")
            }
            return Duration.seconds(seconds)
        }
        var peek = arguments
        let config = consumingConfig ? try arguments.option("--config") : try peek.option("--config")
        let defaults = KioskConfiguration.Control()
        var endpoint = Endpoint(socketPath: defaults.socket, group: defaults.group)
        do {
            let control = try KioskConfiguration.load(path: config ?? defaultConfig).control
            endpoint = Endpoint(socketPath: control.socket, group: control.group)
        } catch {
            // An explicit --config must be right; the default one may simply not be there.
            if let config, socket == nil {
                throw CommandFailure.configuration(
                    "cannot read \(config) (run `kioskctl config check \(config)`)", error.diagnostics)
            }
        }
        if let socket { endpoint.socketPath = socket }
        endpoint.timeout = timeout
        return endpoint
    }

    /// Sends one request and returns the service's successful answer. Throws a
    /// `CommandFailure`: exit 69 when kioskd is not running, 1 for an error answer.
    static func request(_ json: ControlValue, socketPath: String) throws -> ControlValue {
        try request(json, endpoint: Endpoint(socketPath: socketPath, group: KioskConfiguration.Control().group))
    }

    /// Sends one request to `endpoint`; see `request(_:socketPath:)`.
    static func request(_ json: ControlValue, endpoint: Endpoint) throws -> ControlValue {
        let answer: ControlValue
        do {
            answer = try client(endpoint).request(json)
        } catch {
            throw failure(error)
        }
        if answer.isErrorAnswer {
            let code = answer["error"]?.stringValue ?? "error"
            throw CommandFailure(message: "kioskd: \(answer["message"]?.stringValue ?? code) (\(code))")
        }
        return answer
    }

    /// The successful answer of a running kioskd; nil when kioskd is not running (then, and
    /// only then, a command may read the database itself). Other failures — permission,
    /// busy, no answer, an error answer — throw.
    static func answerIfRunning(_ json: ControlValue, endpoint: Endpoint) throws -> ControlValue? {
        do {
            return try request(json, endpoint: endpoint)
        } catch let failure as CommandFailure where failure.exitCode == ExitCode.serviceUnavailable {
            return nil
        }
    }

    /// A client with `--timeout`, else `defaultTimeout` (printing a page can take a while).
    static func client(_ endpoint: Endpoint, defaultTimeout: Duration = .seconds(60)) -> ControlClient {
        ControlClient(
            socketPath: endpoint.socketPath, group: endpoint.group, timeout: endpoint.timeout ?? defaultTimeout)
    }

    /// The technician's message and exit code for a socket failure.
    static func failure(_ error: ControlClientError) -> CommandFailure {
        CommandFailure(
            message: error.description,
            exitCode: error.meansServiceUnavailable ? ExitCode.serviceUnavailable : ExitCode.failure)
    }
}
