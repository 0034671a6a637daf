import KioskForwarding
import KioskSystem

extension ForwardingLog {
    /// Forwarding's lines, written by the service's journald logger.
    static func bridging(to logger: Logger) -> ForwardingLog {
        ForwardingLog { level, event, fields in
            let priority: LogPriority =
                switch level {
                case .error: .error
                case .warning: .warning
                case .info: .info
                case .debug: .debug
                }
            logger.log(priority, event, fields.map { ($0.key, $0.value) })
        }
    }
}
