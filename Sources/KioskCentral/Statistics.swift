/// What the receiver has seen since it started.
public struct Statistics: Sendable, Equatable {
    /// Requests by route (`/v1/events`, `/v1/kiosks/{id}/updates`, `/v1/health`,
    /// `/admin/fault`, `other`, or `-` for requests refused before routing) and status code;
    /// status 0 counts faulted requests that got no HTTP answer (stall, reset, not-HTTP).
    public var requests: [String: [Int: Int]] = [:]
    /// Events stored for the first time.
    public var eventsAccepted = 0
    /// Events answered `duplicate`.
    public var eventsDuplicate = 0
    /// Events answered `rejected`.
    public var eventsRejected = 0
    /// Requests that got an injected fault.
    public var faultsServed = 0

    /// Empty statistics.
    public init() {}

    /// How many requests to `route` got `status`.
    public func count(route: String, status: Int) -> Int {
        requests[route]?[status] ?? 0
    }

    /// How many requests to `route` there were, any status.
    public func count(route: String) -> Int {
        requests[route]?.values.reduce(0, +) ?? 0
    }

    mutating func record(route: String, status: Int) {
        requests[route, default: [:]][status, default: 0] += 1
    }
}
