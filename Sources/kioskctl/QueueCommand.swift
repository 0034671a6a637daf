import KioskStore
import KioskSystem

/// `kioskctl queue list|dead|requeue`: the outbox, the dead letters, and sending them again.
///
/// Event data is never printed: it holds citizens' personal data.
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
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let action = arguments.next()
        switch action {
        case "list":
            let limit =
                try arguments.option("--limit").map { text in
                    guard let n = Int(text), n > 0 else {
                        throw ArgumentList.UsageError("--limit needs a positive number")
                    }
                    return n
                } ?? 50
            let store = try DatabaseLocation.open(&arguments)
            try arguments.expectEnd()
            let rows = try await store.pendingEvents(limit: limit).map { EventRow($0) }
            let summary = try await store.summary()
            await store.close()
            if json {
                JSONOutput.print(rows)
            } else {
                print(
                    "\(summary.pending) event(s) waiting for the central server"
                        + (summary.pending > rows.count ? " (first \(rows.count))" : ""))
                for row in rows {
                    print(
                        "\(row.seq)\t\(row.id)\t\(row.type)\t\(row.occurredAt)\tattempts=\(row.attempts)"
                            + (row.lastError.map { "\tlast error: \($0)" } ?? ""))
                }
            }
            return ExitCode.ok
        case "dead":
            let store = try DatabaseLocation.open(&arguments)
            try arguments.expectEnd()
            let dead = try await store.deadLetters(limit: 10_000)
            await store.close()
            if json {
                JSONOutput.print(dead.map { EventRow($0.event, dead: $0) })
            } else {
                print(
                    "\(dead.count) dead letter(s)"
                        + (dead.isEmpty
                            ? ""
                            : ": the central server rejected these; fix the cause, then `kioskctl queue requeue ID`"))
                for letter in dead {
                    print(
                        "\(letter.event.seq)\t\(letter.event.id)\t\(letter.event.type)\trejected \(letter.at): \(letter.reason)"
                    )
                }
            }
            return ExitCode.ok
        case "requeue":
            let all = arguments.flag("--all")
            let id = arguments.next()
            guard all != (id != nil) else { throw ArgumentList.UsageError("queue requeue needs an event ID or --all") }
            let store = try DatabaseLocation.open(&arguments)
            try arguments.expectEnd()
            let ids = all ? try await store.deadLetters(limit: 1_000_000).map(\.event.id) : [id!]
            var requeued: [String] = []
            for eventId in ids where try await store.requeue(id: eventId) { requeued.append(eventId) }
            await store.close()
            if json {
                JSONOutput.print(["requeued": requeued])
            } else if let id, requeued.isEmpty {
                throw CommandFailure(message: "no dead letter with id \(id) (see `kioskctl queue dead`)")
            } else {
                print("requeued \(requeued.count) event(s); kioskd sends them with the next batch")
            }
            return ExitCode.ok
        case let other?:
            throw ArgumentList.UsageError("unknown queue action \(other): use list, dead or requeue")
        case nil:
            throw ArgumentList.UsageError("queue needs an action: list, dead or requeue")
        }
    }
}
