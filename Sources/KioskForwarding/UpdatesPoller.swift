import KioskDomain
import KioskProtocol
import KioskStore
import KioskSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Polls `GET /v1/kiosks/{id}/updates` so tracking-code scans answer with a current status.
///
/// Each page is stored with its cursor in one transaction; `next` is followed while pages
/// come back non-empty. Errors follow the forwarder's rules (Retry-After on 429/503, full
/// jitter otherwise), and requests go through the shared `CentralClient`, so the kiosk
/// still has at most one request in flight.
public actor UpdatesPoller {
    /// What one poll did.
    public struct PollResult: Sendable, Equatable {
        /// Pages fetched and stored.
        public var pages: Int
        /// Status updates stored.
        public var stored: Int
        /// Updates skipped (unknown status, bad time).
        public var skipped: Int

        /// Creates a result.
        public init(pages: Int, stored: Int, skipped: Int) {
            self.pages = pages
            self.stored = stored
            self.skipped = skipped
        }
    }

    private let store: KioskStore
    private let client: CentralClient
    private let interval: Double
    private let clock: ForwardingClock
    private let logger: Logger
    private let maxRetryAfter: Double
    private var backoff: Backoff
    /// The last failure's text, nil after a successful poll.
    public private(set) var lastError: String?
    /// When the last poll succeeded.
    public private(set) var lastPollAt: Timestamp?

    /// Most pages followed in one poll, so a server that always answers `next` cannot keep
    /// the kiosk's one request slot forever.
    static let maxPagesPerPoll = 1000

    /// Creates a poller polling every `interval` seconds (`PollUpdates=`).
    public init(
        store: KioskStore, client: CentralClient, interval: Double, clock: ForwardingClock = .system,
        backoffBase: Double = 1, backoffCap: Double = 300, maxRetryAfter: Double = 3600,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(), logger: Logger = .discarding
    ) {
        self.store = store
        self.client = client
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.maxRetryAfter = maxRetryAfter
        self.backoff = Backoff(base: backoffBase, cap: backoffCap, random: random)
    }

    /// Polls every `interval` until cancelled (nothing when no URL is configured).
    public func run() async {
        guard client.isEnabled else { return }
        while !Task.isCancelled {
            let delay: Double
            switch await poll() {
            case .success: delay = interval
            case .failure(let failure): delay = failure.wait
            }
            do { try await clock.sleep(delay) } catch { return }
        }
    }

    /// Why a poll failed and how long to wait before the next.
    public struct PollFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, for a technician.
        public var description: String
        /// Seconds to wait (Retry-After or backoff).
        public var wait: Double
    }

    /// Fetches and stores every available page once.
    public func poll() async -> Result<PollResult, PollFailure> {
        var result = PollResult(pages: 0, stored: 0, skipped: 0)
        do {
            var cursor = try await store.updatesCursor()
            while result.pages < Self.maxPagesPerPoll {
                var path = "/v1/kiosks/\(percentEncoded(client.kioskId))/updates"
                if let cursor { path += "?after=" + percentEncoded(cursor) }
                let answer = await client.send(method: "GET", pathAndQuery: path)
                guard case .success(let response) = answer, response.status == 200,
                    let page = try? JSONDocumentDecoder().decode(UpdatesPage.self, from: response.body)
                else {
                    return .failure(failure(answer))
                }
                let updates = convert(page.updates, skipped: &result.skipped)
                let nextCursor = page.next ?? cursor
                try await store.applyStatusUpdates(updates, cursor: nextCursor)
                result.pages += 1
                result.stored += updates.count
                if page.updates.isEmpty || page.next == nil || page.next == cursor { break }
                cursor = nextCursor
            }
        } catch {
            let wait = backoff.nextDelay()
            lastError = "store: \(error)"
            logger.log(.warning, "updates.failed", ["error": lastError ?? "", "retry_in_s": "\(Int(wait))"])
            return .failure(PollFailure(description: lastError ?? "", wait: wait))
        }
        backoff.reset()
        lastError = nil
        lastPollAt = clock.now()
        if result.stored > 0 || result.skipped > 0 {
            logger.log(
                .info, "updates.stored",
                ["pages": "\(result.pages)", "stored": "\(result.stored)", "skipped": "\(result.skipped)"])
        }
        return .success(result)
    }

    private func failure(_ answer: Result<HTTPResponse, TransportError>) -> PollFailure {
        var (trouble, text, _) = CentralAnswer.trouble(answer, now: clock.now().unixSeconds)
        if let note = CentralAnswer.debugNote(answer) { logger.log(.debug, "central.error-note", ["note": note]) }
        if case .success(let response) = answer, response.status == 200 {
            text = "central: malformed updates page (200 without valid JSON)"
        }
        let wait: Double
        switch trouble {
        case .overloaded(let retryAfter?):
            backoff.countFailure()
            wait = min(retryAfter, maxRetryAfter)
        default:
            wait = backoff.nextDelay()
        }
        lastError = text
        logger.log(.warning, "updates.failed", ["error": text, "retry_in_s": secondsText(wait)])
        return PollFailure(description: text, wait: wait)
    }

    private func convert(_ updates: [WireStatusUpdate], skipped: inout Int) -> [DossierStatusUpdate] {
        var out: [DossierStatusUpdate] = []
        out.reserveCapacity(updates.count)
        for update in updates {
            guard let status = DossierStatus(rawValue: update.status) else {
                skipped += 1
                logger.log(
                    .warning, "updates.skipped",
                    ["status": String(update.status.prefix(40)), "reason": "unknown status"])
                continue
            }
            guard let at = Timestamp(rfc3339: update.at) else {
                skipped += 1
                logger.log(.warning, "updates.skipped", ["reason": "bad time"])
                continue
            }
            out.append(
                DossierStatusUpdate(
                    code: update.code, status: status, note: update.note, at: at,
                    dueDate: optionalDueDate(update), dueTime: optionalDueTime(update),
                    documents: optionalDocuments(update)))
        }
        return out
    }
}

extension UpdatesPoller {
    // The optional fields of an update (central-protocol.md): a malformed one is dropped with a
    // warning and the status is kept, since the status itself is still right.

    fileprivate func optionalDueDate(_ update: WireStatusUpdate) -> CalendarDay? {
        guard let text = update.dueDate else { return nil }
        guard let day = CalendarDay(iso: text) else {
            logger.log(.warning, "updates.field-ignored", ["field": "dueDate", "reason": "not YYYY-MM-DD"])
            return nil
        }
        return day
    }

    fileprivate func optionalDueTime(_ update: WireStatusUpdate) -> TimeOfDay? {
        guard let text = update.dueTime else { return nil }
        guard let time = TimeOfDay(parsing: text) else {
            logger.log(.warning, "updates.field-ignored", ["field": "dueTime", "reason": "not HH:MM"])
            return nil
        }
        return time
    }

    fileprivate func optionalDocuments(_ update: WireStatusUpdate) -> [DossierDocument] {
        var out: [DossierDocument] = []
        for document in update.documents ?? [] {
            guard let kind = DossierDocument.Kind(rawValue: document.kind), document.count > 0,
                !document.name.isEmpty
            else {
                logger.log(
                    .warning, "updates.field-ignored", ["field": "documents", "reason": "bad name, kind or count"])
                continue
            }
            out.append(DossierDocument(name: document.name, kind: kind, count: document.count))
        }
        return out
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters, for a query value or
/// a path segment.
func percentEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF".unicodeScalars)
            out.unicodeScalars.append("%")
            out.unicodeScalars.append(hex[Int(byte >> 4)])
            out.unicodeScalars.append(hex[Int(byte & 15)])
        }
    }
    return out
}
