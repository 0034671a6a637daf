import KioskControl
import KioskStore
import KioskSystem

/// `kioskctl queue list|dead|requeue`: the outbox, the dead letters, and sending them again.
///
/// Through the running service's control socket; the database itself only when kioskd is
/// stopped (read-only for list and dead). Event data is never printed: it holds citizens'
/// personal data.
enum QueueCommand {
    struct EventRow: Encodable {
        var seq: Int64
        var id: String
        var type: String
        var occurredAt: String
        var attempts: Int
        var lastError: String?
        var deadReason: String?
        var deadAt: String?

        init(_ event: OutboxEvent, dead: DeadLetter? = nil) {
            seq = event.seq
            id = event.id
            type = event.type
            occurredAt = event.occurredAt.description
            attempts = event.attempts
            lastError = event.lastError
            deadReason = dead?.reason
            deadAt = dead?.at.description
        }

        /// A row of the service's `queue` answer.
        init(_ value: ControlValue) {
            seq = value["seq"]?.intValue ?? 0
            id = value["id"]?.stringValue ?? "?"
            type = value["type"]?.stringValue ?? "?"
            occurredAt = value["occurredAt"]?.stringValue ?? "?"
            attempts = Int(value["attempts"]?.intValue ?? 0)
            lastError = value["lastError"]?.stringValue
            deadReason = value["deadReason"]?.stringValue
            deadAt = value["deadAt"]?.stringValue
        }
    }

    /// A print job held for a technician (a copy that kept failing, or a crash that
    /// interrupted its reprint): docs/print-once.md.
    struct HeldJobRow: Encodable {
        var id: Int64
        var kind: String
        var code: String?
        var attempts: Int
        var createdAt: String
        var heldReason: String

        init(_ job: PrintJob) {
            id = job.id
            kind = job.kind
            code = job.dossierCode
            attempts = job.attempts
            createdAt = job.createdAt.description
            heldReason = job.heldReason ?? "?"
        }

        /// A `printJobs` row of the service's `queue` answer.
        init(_ value: ControlValue) {
            id = value["id"]?.intValue ?? 0
            kind = value["kind"]?.stringValue ?? "?"
            code = value["code"]?.stringValue
            attempts = Int(value["attempts"]?.intValue ?? 0)
            createdAt = value["createdAt"]?.stringValue ?? "?"
            heldReason = value["heldReason"]?.stringValue ?? "?"
        }
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let action = arguments.next()
        switch action {
        case "list", "dead", "held":
            let limit =
                try arguments.option("--limit").map { text in
                    guard let n = Int(text), (1...ControlRequest.maximumQueueLimit).contains(n) else {
                        throw ArgumentList.UsageError(
                            "--limit needs a number from 1 to \(ControlRequest.maximumQueueLimit)")
                    }
                    return n
                } ?? (action == "list" ? 50 : ControlRequest.maximumQueueLimit)
            let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
            let source = try DatabaseLocation.source(&arguments)
            try arguments.expectEnd()
            let listing = try await read(limit: limit, endpoint: endpoint, source: source)
            switch action {
            case "list": printPending(listing, json: json)
            case "held": printHeld(listing, json: json)
            default: printDead(listing, json: json)
            }
            return ExitCode.ok
        case "requeue":
            let all = arguments.flag("--all")
            let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
            let source = try DatabaseLocation.source(&arguments)
            let id = arguments.next()
            try arguments.expectEnd()
            guard all != (id != nil) else { throw ArgumentList.UsageError("queue requeue needs an event ID or --all") }
            let (requeued, byService) = try await requeue(id: id, endpoint: endpoint, source: source)
            if let id, requeued.isEmpty {
                throw CommandFailure(message: "no dead letter with id \(id) (see `kioskctl queue dead`)")
            }
            if json {
                JSONOutput.print(["requeued": requeued])
            } else {
                print(
                    "requeued \(requeued.count) event(s); "
                        + (byService
                            ? "kioskd sends them now" : "kioskd is stopped: it sends them when it starts"))
            }
            return ExitCode.ok
        case let other?:
            throw ArgumentList.UsageError("unknown queue action \(other): use list, dead, held or requeue")
        case nil:
            throw ArgumentList.UsageError("queue needs an action: list, dead, held or requeue")
        }
    }

    /// What `list` and `dead` show.
    struct Listing {
        var pending: Int
        var rows: [EventRow]
        var dead: [EventRow]
        var deadCount: Int
        var held: [HeldJobRow] = []
    }

    /// From the running kioskd, else (stopped) from the database opened read-only.
    static func read(limit: Int, endpoint: ServiceConnection.Endpoint, source: DatabaseLocation.Source)
        async throws -> Listing
    {
        if let answer = try ServiceConnection.answerIfRunning(
            .object(["request": .string("queue"), "limit": .int(Int64(limit))]), endpoint: endpoint)
        {
            guard let dead = answer["dead"]?.arrayValue else {
                throw CommandFailure(
                    message: "this kioskd is older than kioskctl and does not list dead letters over its socket; "
                        + "update kioskd, or stop it and run the command again")
            }
            let held = (answer["printJobs"]?.arrayValue ?? []).filter { $0["stage"]?.stringValue == "held" }
            return Listing(
                pending: Int(answer["pending"]?.intValue ?? 0),
                rows: (answer["events"]?.arrayValue ?? []).map { EventRow($0) }, dead: dead.map { EventRow($0) },
                deadCount: Int(answer["deadLetters"]?.intValue ?? Int64(dead.count)), held: held.map { HeldJobRow($0) })
        }
        let store = try DatabaseLocation.open(path: try DatabaseLocation.path(of: source), access: .readOnly)
        do {
            let rows = try await store.pendingEvents(limit: limit).map { EventRow($0) }
            let dead = try await store.deadLetters(limit: limit).map { EventRow($0.event, dead: $0) }
            let summary = try await store.summary()
            let held = try await store.heldPrintJobs().map { HeldJobRow($0) }
            await store.close()
            return Listing(
                pending: summary.pending, rows: rows, dead: dead, deadCount: summary.deadLetters, held: held)
        } catch {
            await store.close()
            throw CommandFailure(message: "reading \(store.path): \(error)")
        }
    }

    /// Through the running kioskd (it logs who asked and wakes the forwarder), else directly,
    /// logged to the system log. Returns the ids requeued and whether kioskd did it.
    static func requeue(id: String?, endpoint: ServiceConnection.Endpoint, source: DatabaseLocation.Source)
        async throws -> ([String], Bool)
    {
        let request: ControlValue =
            id.map { .object(["request": .string("requeue"), "event": .string($0)]) }
            ?? .object(["request": .string("requeue"), "all": .bool(true)])
        do {
            let answer = try ServiceConnection.client(endpoint).request(request)
            if answer.isErrorAnswer {
                // Not a dead letter: the caller says so. Any other refusal is kioskd's to tell.
                if answer["error"]?.stringValue == "not-found" { return ([], true) }
                let code = answer["error"]?.stringValue ?? "error"
                throw CommandFailure(message: "kioskd: \(answer["message"]?.stringValue ?? code) (\(code))")
            }
            return ((answer["requeued"]?.arrayValue ?? []).compactMap(\.stringValue), true)
        } catch let error as ControlClientError where !error.meansServiceUnavailable {
            throw ServiceConnection.failure(error)
        } catch is ControlClientError {
            // kioskd is not running: the database itself, below.
        }
        let path = try DatabaseLocation.path(of: source)
        let store = try DatabaseLocation.open(path: path, access: .readWrite)
        var requeued: [String] = []
        do {
            var ids = id.map { [$0] } ?? []
            if id == nil { ids = try await store.deadLetters(limit: 1_000_000).map(\.event.id) }
            for eventId in ids where try await store.requeue(id: eventId) { requeued.append(eventId) }
        } catch {
            await store.close()
            throw CommandFailure(message: "requeue in \(path) failed: \(error)")
        }
        await store.close()
        SystemLog.notice(
            "dead letters requeued directly (kioskd stopped) database=\(path) event=\(id ?? "all") count=\(requeued.count)"
        )
        FileHandleOutput.standardError(
            "kioskctl: kioskd is not running: requeued in \(path) directly "
                + (SystemLog.isAvailable
                    ? "(recorded in the system log: journalctl -t kioskctl)\n"
                    : "(this machine has no system log at /dev/log: this message is the only record)\n"))
        return (requeued, false)
    }

    private static func printPending(_ listing: Listing, json: Bool) {
        if json {
            JSONOutput.print(listing.rows)
            return
        }
        print(
            "\(listing.pending) event(s) waiting for the central server"
                + (listing.pending > listing.rows.count ? " (first \(listing.rows.count))" : ""))
        for row in listing.rows {
            print(
                "\(row.seq)\t\(row.id)\t\(row.type)\t\(row.occurredAt)\tattempts=\(row.attempts)"
                    + (row.lastError.map { "\tlast error: \($0)" } ?? ""))
        }
        if !listing.held.isEmpty {
            print("\(listing.held.count) print job(s) held for a technician: `kioskctl queue held`")
        }
    }

    private static func printHeld(_ listing: Listing, json: Bool) {
        if json {
            JSONOutput.print(listing.held)
            return
        }
        print(
            "\(listing.held.count) print job(s) held for a technician"
                + (listing.held.isEmpty
                    ? ""
                    : ": kioskd stopped printing these (docs/print-once.md); check the last receipt printed, "
                        + "then `kioskctl reprint CODE` if the citizen needs one"))
        for row in listing.held {
            print(
                "\(row.id)\t\(row.kind)\t\(row.code ?? "-")\t\(row.createdAt)\tattempts=\(row.attempts): \(row.heldReason)"
            )
        }
    }

    private static func printDead(_ listing: Listing, json: Bool) {
        if json {
            JSONOutput.print(listing.dead)
            return
        }
        print(
            "\(listing.deadCount) dead letter(s)"
                + (listing.dead.isEmpty
                    ? "" : ": the central server rejected these; fix the cause, then `kioskctl queue requeue ID`"))
        for row in listing.dead {
            print("\(row.seq)\t\(row.id)\t\(row.type)\trejected \(row.deadAt ?? "?"): \(row.deadReason ?? "?")")
        }
    }
}
