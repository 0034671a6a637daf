/// The receiver's paths.
enum Route: Equatable {
    /// `/v1/health`.
    case health
    /// `/v1/events`.
    case events
    /// `/v1/kiosks/{kioskId}/updates`.
    case updates(kiosk: String)
    /// `/admin/fault` (on the admin listener only).
    case adminFault
    /// Anything else (404).
    case other

    init(path: Substring) {
        switch path {
        case "/v1/health": self = .health
        case "/v1/events": self = .events
        case "/admin/fault": self = .adminFault
        default:
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 5, parts[0].isEmpty, parts[1] == "v1", parts[2] == "kiosks", !parts[3].isEmpty,
                parts[4] == "updates"
            {
                self = .updates(kiosk: String(parts[3]).removingPercentEncodingLeniently)
            } else {
                self = .other
            }
        }
    }

    /// The key in ``Statistics/requests``.
    var name: String {
        switch self {
        case .health: "/v1/health"
        case .events: "/v1/events"
        case .updates: "/v1/kiosks/{id}/updates"
        case .adminFault: "/admin/fault"
        case .other: "other"
        }
    }

    /// Whether injected faults apply (not to health checks and the admin endpoint).
    var takesFaults: Bool {
        switch self {
        case .health, .adminFault: false
        default: true
        }
    }
}
