#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The JSON body of `POST /admin/fault`, which queues a fault on a running receiver:
///
///     {"mode":"status","status":503,"count":3,"retryAfter":"5"}
///     {"mode":"stall","seconds":10,"count":1}
///     {"mode":"reset"}   {"mode":"garbage"}   {"mode":"not-http"}   {"mode":"clear"}
///     {"mode":"reset-after-processing"}
///
/// `mode` may be left out when `status` is given; `count` defaults to 1.
public struct FaultOrder: Codable, Sendable, Equatable {
    /// `status`, `stall`, `reset`, `reset-after-processing`, `garbage`, `not-http` or `clear`.
    public var mode: String?
    /// The status code for `status`.
    public var status: Int?
    /// How many requests get it (default 1).
    public var count: Int?
    /// `Retry-After` value for `status` (seconds or an HTTP-date).
    public var retryAfter: String?
    /// Body for `status`.
    public var body: String?
    /// How long `stall` holds the connection.
    public var seconds: Double?

    /// The largest `count` one order may ask for.
    public static let maximumCount = 10_000

    /// An order for `count` requests.
    public init(fault: CentralServer.Fault, count: Int) {
        self.count = count
        switch fault {
        case .status(let code, let retryAfter, let body):
            mode = "status"
            status = code
            self.retryAfter = retryAfter
            self.body = body
        case .stall(let seconds):
            mode = "stall"
            self.seconds = seconds
        case .reset: mode = "reset"
        case .garbage: mode = "garbage"
        case .notHTTP: mode = "not-http"
        case .resetAfterProcessing: mode = "reset-after-processing"
        }
    }

    /// An order that drops every queued fault.
    public static var clear: FaultOrder {
        var order = FaultOrder(fault: .reset, count: 0)
        order.mode = "clear"
        order.count = nil
        return order
    }

    private enum CodingKeys: String, CodingKey {
        case mode, status, count, retryAfter, body, seconds
    }

    /// Decodes an order; `retryAfter` may be a number or a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mode = try container.decodeIfPresent(String.self, forKey: .mode)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        if let seconds = try? container.decodeIfPresent(Int.self, forKey: .retryAfter) {
            retryAfter = String(seconds)
        } else {
            retryAfter = try container.decodeIfPresent(String.self, forKey: .retryAfter)
        }
        body = try container.decodeIfPresent(String.self, forKey: .body)
        seconds = try container.decodeIfPresent(Double.self, forKey: .seconds)
    }

    /// The fault it describes, or why it describes none.
    public func fault() throws -> CentralServer.Fault {
        if let count, !(1...Self.maximumCount).contains(count) {
            throw CentralError("count must be between 1 and \(Self.maximumCount)")
        }
        switch mode ?? (status != nil ? "status" : "") {
        case "status":
            guard let status, (100...599).contains(status) else {
                throw CentralError("status must be an HTTP code 100-599")
            }
            return .status(status, retryAfter: retryAfter, body: body)
        case "stall":
            guard let seconds, seconds > 0, seconds <= 3600 else {
                throw CentralError("stall needs seconds between 0 and 3600")
            }
            return .stall(seconds: seconds)
        case "reset": return .reset
        case "garbage": return .garbage
        case "not-http": return .notHTTP
        case "reset-after-processing": return .resetAfterProcessing
        case let other:
            throw CentralError(
                "unknown fault mode \(other); use status, stall, reset, reset-after-processing, garbage, not-http or clear"
            )
        }
    }
}
