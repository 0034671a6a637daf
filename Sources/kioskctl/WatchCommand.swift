import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl watch [--json]`: the service's events (scans handled, state changes) live, one
/// line each, until Ctrl-C or until kioskd goes away.
enum WatchCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 {
        let endpoint = try ServiceConnection.endpoint(&arguments)
        try arguments.expectEnd()
        let stream: ControlEventStream
        do {
            stream = try ServiceConnection.client(endpoint, defaultTimeout: .seconds(10)).subscribe()
        } catch {
            throw ServiceConnection.failure(error)
        }
        if !json { FileHandleOutput.standardError("watching kioskd's events (Ctrl-C to stop)\n") }
        while true {
            let event: ControlValue?
            do {
                event = try stream.next()
            } catch {
                throw ServiceConnection.failure(error)
            }
            guard let event else {
                throw CommandFailure(
                    message: "kioskd closed the event stream (stopped or restarted)",
                    exitCode: ExitCode.serviceUnavailable)
            }
            if event.isErrorAnswer {
                throw CommandFailure(message: "kioskd: \(event["message"]?.stringValue ?? event.json)")
            }
            // Unbuffered, so `kioskctl watch --json | jq` shows events as they happen.
            FileHandleOutput.standardOutput((json ? event.json : "\(clock()) \(ControlValueText.line(event))") + "\n")
        }
    }

    /// `14:03:27`, local time.
    private static func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
