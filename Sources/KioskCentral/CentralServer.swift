import KioskDomain
import KioskProtocol
import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The reference receiver of central-protocol.md: an HTTP/1.1 server on POSIX sockets with
/// its own SQLite file, plus fault injection for testing clients.
///
/// Thread-safe: every piece of mutable state sits behind its own `Mutex`.
public final class CentralServer: Sendable {
    /// How the receiver runs.
    public struct Configuration: Sendable {
        /// Address to listen on (an IP literal or a host name).
        public var host: String = "127.0.0.1"
        /// Port; 0 lets the kernel pick one (read it back from ``CentralServer/port``).
        public var port: Int = 0
        /// The receiver's SQLite file (created when missing).
        public var databasePath: String
        /// Kiosk id → secret.
        public var kiosks: [String: KioskKey]
        /// Largest accepted distance between a request's `ts` and the receiver's clock, seconds.
        public var maxClockSkew: Int64 = 300
        /// Size, count and time limits of requests.
        public var limits = HTTPLimits()
        /// Most connections served at once; more are answered 503 and closed.
        public var maxConnections = 64
        /// Most connections from one peer address at once (more are answered 503 and closed),
        /// so one slow or hostile client cannot take every slot.
        public var maxConnectionsPerAddress = 16
        /// Where `/admin/*` listens: a loopback address (127.0.0.0/8, ::1, localhost), its own
        /// listener; nil: no admin endpoint at all. The main listener never answers `/admin/*`.
        public var adminHost: String? = nil
        /// The admin listener's port; 0 lets the kernel pick one (``CentralServer/adminPort``).
        public var adminPort = 0
        /// The token admin requests must carry as `Authorization: Bearer <token>` (at least 16
        /// bytes; required with ``adminHost``).
        public var adminToken: String? = nil
        /// Most updates in one `GET …/updates` page.
        public var updatesPageSize = 500
        /// Offset of the times the receiver writes (`at` of status updates), seconds east of UTC.
        public var utcOffsetSeconds = 7 * 3600
        /// The receiver's clock, Unix seconds (tests may shift it).
        public var now: @Sendable () -> Int64 = { wallClockSeconds() }
        /// Where one line per request goes (nil: nowhere).
        public var log: (@Sendable (String) -> Void)? = nil

        /// Largest accepted body, bytes: 4 MiB (the protocol's batch cap) plus 64 KiB of slack.
        public var maxBodyBytes: Int {
            get { limits.maxBodyBytes }
            set { limits.maxBodyBytes = newValue }
        }

        /// A receiver on `host:port` (default 127.0.0.1, ephemeral port).
        public init(databasePath: String, kiosks: [String: KioskKey], host: String = "127.0.0.1", port: Int = 0) {
            self.databasePath = databasePath
            self.kiosks = kiosks
            self.host = host
            self.port = port
        }
    }

    /// The configuration it was made with.
    public let configuration: Configuration
    let database: Mutex<ReceiverDatabase>
    private let listener = Mutex<HTTPServer?>(nil)
    private let adminListener = Mutex<HTTPServer?>(nil)
    private let faults = Mutex<[(fault: Fault, remaining: Int)]>([])
    let counters = Mutex(Statistics())
    let authentication: RequestAuthentication

    /// Opens (creates) the database; does not listen yet.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        do {
            database = Mutex(try ReceiverDatabase(path: configuration.databasePath))
        } catch {
            throw CentralError("receiver database \(configuration.databasePath): \(error)")
        }
        authentication = RequestAuthentication(kiosks: configuration.kiosks, maxClockSkew: configuration.maxClockSkew)
    }

    deinit { stop() }

    /// Binds and serves on background threads.
    public func start() throws {
        try listener.withLock { current in
            guard current == nil else { throw CentralError("kiosk-central is already running") }
            let server = try HTTPServer(
                host: configuration.host, port: configuration.port, limits: configuration.limits,
                maxConnections: configuration.maxConnections,
                maxConnectionsPerAddress: configuration.maxConnectionsPerAddress,
                handler: { [weak self] request in self?.handle(request) ?? .respond(.error(503, "stopping")) },
                refusalObserver: { [weak self] method, target, status in
                    self?.counters.withLock { $0.record(route: "-", status: status) }
                    self?.configuration.log?("\(method) \(target) \(status) refused")
                })
            server.start()
            current = server
        }
        if let host = configuration.adminHost {
            try startAdmin(host: host)
        }
    }

    /// The admin listener: loopback only, its own token, its own connections (a flood of
    /// kiosks cannot lock the operator out, nor the operator the kiosks).
    private func startAdmin(host: String) throws {
        guard Self.isLoopbackHost(host) else {
            throw CentralError(
                "admin listener \(host): the admin endpoint listens on a loopback address only (127.0.0.1, ::1)")
        }
        guard let token = configuration.adminToken, token.utf8.count >= 16 else {
            throw CentralError("admin listener: an admin token of at least 16 bytes is required")
        }
        let server = try HTTPServer(
            host: host, port: configuration.adminPort, limits: configuration.limits, maxConnections: 8,
            maxConnectionsPerAddress: 8,
            handler: { [weak self] request in
                self?.handleAdmin(request, token: token) ?? .respond(.error(503, "stopping"))
            },
            refusalObserver: { [weak self] method, target, status in
                self?.configuration.log?("admin \(method) \(target) \(status) refused")
            })
        server.start()
        adminListener.withLock { $0 = server }
    }

    /// Whether `host` names a loopback address.
    static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }

    /// The admin listener's port (0 when there is none).
    public var adminPort: Int { adminListener.withLock { $0?.port ?? 0 } }

    /// The port it listens on (0 when not started).
    public var port: Int { listener.withLock { $0?.port ?? 0 } }

    /// Stops listening, closes connections and waits briefly for their threads.
    public func stop() {
        let server = listener.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        server?.stop()
        let admin = adminListener.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        admin?.stop()
    }

    /// The next `count` requests (any path except /v1/health and /admin/) get this fault.
    /// Faults queue up: injecting twice serves the first one's count, then the second's.
    public func injectFault(_ fault: Fault, count: Int) {
        guard count > 0 else { return }
        faults.withLock { $0.append((fault, count)) }
    }

    /// Drops every queued fault.
    public func clearFaults() {
        faults.withLock { $0.removeAll() }
    }

    /// Faults still queued, with how many requests each will still take.
    public var pendingFaults: [(fault: Fault, remaining: Int)] { faults.withLock { $0 } }

    /// Requests by path and status code, events accepted, duplicate, rejected.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// Stored events of one kiosk (nil: all kiosks), ascending seq.
    public func storedEvents(kiosk: String?) throws -> [StoredEvent] {
        do {
            return try database.withLock { try $0.events(kiosk: kiosk) }
        } catch {
            throw CentralError("receiver database: \(error)")
        }
    }

    /// Sets a dossier's status for a kiosk to pick up through `GET /v1/kiosks/{id}/updates`.
    ///
    /// `status` must be one of the protocol's statuses (received, processing, needs-more,
    /// result-ready, returned, rejected). `dueDate` (`YYYY-MM-DD`) and `dueTime` (`HH:MM`) set
    /// a new appointment; `documents` list what the citizen must still bring (with
    /// `needs-more`). Each is checked here, so a kiosk never receives a malformed one.
    public func setStatus(
        kiosk: String, code: String, status: String, note: String?, dueDate: String? = nil, dueTime: String? = nil,
        documents: [WireDocument]? = nil
    ) throws {
        if let dueDate, !Self.isDate(dueDate) {
            throw CentralError("due date \(dueDate) is not a day; write YYYY-MM-DD, e.g. 2026-12-15")
        }
        if let dueTime, !Self.isTime(dueTime) { throw CentralError("due time \(dueTime) is not HH:MM, e.g. 14:00") }
        if dueTime != nil && dueDate == nil { throw CentralError("a due time needs a due date") }
        for document in documents ?? []
        where document.name.isEmpty || !["original", "copy"].contains(document.kind)
            || document.count < 1
        {
            throw CentralError(
                "document \"\(document.name)\": needs a name, kind original or copy, and a count of 1 or more")
        }
        guard WireStatusUpdate.knownStatuses.contains(status) else {
            throw CentralError(
                "unknown status \(status); use one of \(WireStatusUpdate.knownStatuses.sorted().joined(separator: ", "))"
            )
        }
        guard !kiosk.isEmpty, !code.isEmpty else { throw CentralError("kiosk and code must not be empty") }
        let at = Timestamp(unixSeconds: configuration.now(), offsetSeconds: configuration.utcOffsetSeconds).description
        do {
            try database.withLock {
                _ = try $0.appendUpdate(
                    kiosk: kiosk, code: code, status: status, note: note, at: at, dueDate: dueDate, dueTime: dueTime,
                    documents: documents)
            }
        } catch {
            throw CentralError("receiver database: \(error)")
        }
    }

    // MARK: Requests

    /// Takes one request off the fault queue, if any is queued.
    private func nextFault() -> Fault? {
        faults.withLock { queue in
            guard !queue.isEmpty else { return nil }
            let fault = queue[0].fault
            queue[0].remaining -= 1
            if queue[0].remaining <= 0 { queue.removeFirst() }
            return fault
        }
    }

    /// Routes, counts and logs one request.
    private func handle(_ request: HTTPRequest) -> Reply {
        let route = Route(path: request.path)
        var outcome: Outcome
        if route.takesFaults, let fault = nextFault() {
            if fault == .resetAfterProcessing {
                let processed = answer(request, route: route)
                outcome = processed
                outcome.reply = fault.reply
                outcome.note = [processed.note, "answered \(processed.status) then fault \(fault.summary)"].compactMap {
                    $0
                }.joined(separator: " ")
                outcome.status = fault.countedStatus
            } else {
                outcome = Outcome(reply: fault.reply, status: fault.countedStatus)
                outcome.note = "fault \(fault.summary)"
            }
            counters.withLock { $0.faultsServed += 1 }
        } else {
            outcome = answer(request, route: route)
        }
        counters.withLock { $0.record(route: route.name, status: outcome.status) }
        if let log = configuration.log {
            var line = "\(request.method) \(request.target) \(outcome.status)"
            if let kiosk = outcome.kiosk { line += " kiosk=\(kiosk)" }
            if let events = outcome.events { line += " events=\(events)" }
            if let note = outcome.note { line += " \(note)" }
            log(line)
        }
        return outcome.reply
    }

    /// What one request came to, for the connection, the counters and the log line.
    struct Outcome {
        var reply: Reply
        var status: Int
        var kiosk: String? = nil
        var events: Int? = nil
        var note: String? = nil

        init(reply: Reply, status: Int) {
            self.reply = reply
            self.status = status
        }

        init(_ response: HTTPResponse, kiosk: String? = nil) {
            self.init(reply: .respond(response), status: response.status)
            self.kiosk = kiosk
        }
    }

    private func answer(_ request: HTTPRequest, route: Route) -> Outcome {
        switch route {
        case .health:
            guard request.method == "GET" else { return Outcome(methodNotAllowed("GET")) }
            return Outcome(.json(200, #"{"ok":true}"#))
        case .events:
            guard request.method == "POST" else { return Outcome(methodNotAllowed("POST")) }
            return receiveEvents(request)
        case .updates(let kiosk):
            guard request.method == "GET" else { return Outcome(methodNotAllowed("GET")) }
            return sendUpdates(request, kiosk: kiosk)
        case .adminFault, .other:
            // /admin/* is served on the admin listener only (``Configuration/adminHost``).
            return Outcome(.error(404, "no such path"))
        }
    }

    /// One request on the admin listener: the token, then `POST /admin/fault`.
    private func handleAdmin(_ request: HTTPRequest, token: String) -> Reply {
        let response: HTTPResponse
        let given = request.header("authorization") ?? ""
        if !RequestAuthentication.constantTimeEqual(given, "Bearer " + token) {
            response = .error(401, "admin token required: Authorization: Bearer <token>")
        } else if Route(path: request.path) != .adminFault {
            response = .error(404, "no such path; the admin listener serves POST /admin/fault")
        } else if request.method != "POST" {
            response = methodNotAllowed("POST")
        } else {
            response = adminFault(request)
        }
        counters.withLock { $0.record(route: "/admin/fault", status: response.status) }
        configuration.log?("admin \(request.method) \(request.target) \(response.status)")
        return .respond(response)
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = HTTPResponse.error(405, "method not allowed; use \(allowed)")
        response.headers.append(("Allow", allowed))
        return response
    }

    /// The signer, or the answer that refuses the request.
    enum Authenticated {
        case kiosk(String)
        case refused(HTTPResponse)
    }

    /// Verifies the signature: the kiosk id, or the 401 (500 on a database failure) answer.
    func authenticate(_ request: HTTPRequest) -> Authenticated {
        do {
            let verdict = try authentication.verify(request, now: configuration.now()) { kiosk, nonce in
                try database.withLock { try $0.recordNonce(kiosk: kiosk, nonce: nonce, now: configuration.now()) }
            }
            switch verdict {
            case .success(let kiosk): return .kiosk(kiosk)
            case .failure(let failure): return .refused(.error(401, failure.rawValue))
            }
        } catch {
            return .refused(.error(500, "receiver database: \(error)"))
        }
    }
}

extension CentralServer {
    /// `YYYY-MM-DD` of a real day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), let y = Int(parts[0]),
            let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return false }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1]
    }

    /// `HH:MM`, 00:00…23:59.
    static func isTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return false }
        return h < 24 && m < 60
    }
}
