import KioskDomain
import KioskSQLite

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The outbox: events waiting for the central server, in `seq` order.
extension KioskStore {
    private static let insertEventSQL = """
        INSERT INTO outbox (id, type, occurred_at, dossier_code) VALUES (?, ?, ?, ?)
        """
    private static let insertDataSQL = "INSERT INTO outbox_data (seq, data) VALUES (?, ?)"
    /// The columns ``event(from:first:)`` reads, from `outbox AS o` joined with `outbox_data AS d`.
    static let eventColumns = "o.seq, o.id, o.type, o.occurred_at, d.data, o.attempts, o.last_error"
    /// The outbox with each event's data. `LEFT JOIN` keeps `outbox` (walked through the
    /// index each query names) as the outer loop, the data being one rowid lookup per row,
    /// and never hides an event: one whose data row were missing would still be listed (with
    /// empty data, which the server rejects into the dead letters) rather than stay pending
    /// unseen.
    static func eventsJoinedWithData(indexedBy index: String) -> String {
        "outbox AS o INDEXED BY \(index) LEFT JOIN outbox_data AS d ON d.seq = o.seq"
    }

    /// Forwarding's writes find an event by its `seq` (the rowid) and check its id: the outbox
    /// has no index of every id (schema version 6).
    static let markDeliveredSQL = """
        UPDATE outbox SET delivered_at = ?, delivered_unix = ?, next_attempt_at = NULL
        WHERE seq = ? AND id = ? AND delivered_at IS NULL
        """
    static let recordFailedAttemptSQL = """
        UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
        WHERE seq = ? AND id = ? AND delivered_at IS NULL AND dead_at IS NULL
        """
    static let moveToDeadLettersSQL = """
        UPDATE outbox SET dead_reason = ?, dead_at = ?, next_attempt_at = NULL
        WHERE seq = ? AND id = ? AND delivered_at IS NULL AND dead_at IS NULL
        """
    /// A technician's requeue names the id: found through the index of dead letters' ids.
    static let requeueSQL = """
        UPDATE outbox INDEXED BY outbox_dead_by_id SET dead_reason = NULL, dead_at = NULL, next_attempt_at = NULL
        WHERE id = ? AND dead_at IS NOT NULL
        """

    /// Writes one event with a fresh id inside the caller's transaction.
    func insertEvent(
        _ db: Database, type: String, data: [UInt8], occurredAt: Timestamp, dossierCode: String?
    ) throws -> OutboxEvent {
        guard !type.isEmpty else {
            throw StoreError(.invalidArgument, operation: "appending event", detail: "empty event type")
        }
        let id = EventID.random()
        let insert = try db.cachedStatement(Self.insertEventSQL)
        try insert.bind(id, at: 1)
        try insert.bind(type, at: 2)
        try insert.bind(occurredAt.description, at: 3)
        try insert.bind(dossierCode, at: 4)
        defer { insert.reset() }
        try insert.step()
        let seq = db.lastInsertRowID
        let insertData = try db.cachedStatement(Self.insertDataSQL)
        try insertData.bind(seq, at: 1)
        try insertData.bind(data, at: 2)
        defer { insertData.reset() }
        try insertData.step()
        return OutboxEvent(id: id, seq: seq, type: type, occurredAt: occurredAt, data: data)
    }

    /// Reads an event from a row of ``eventColumns`` starting at `first`.
    static func event(from row: Statement, first: Int = 0) throws -> OutboxEvent {
        let seq = row.int64(at: first)
        return OutboxEvent(
            id: row.string(at: first + 1) ?? "",
            seq: seq,
            type: row.string(at: first + 2) ?? "",
            occurredAt: try row.timestamp(at: first + 3, "outbox event \(seq)"),
            data: row.blob(at: first + 4) ?? [],
            attempts: row.int(at: first + 5),
            lastError: row.string(at: first + 6))
    }

    /// Appends one event in its own durable transaction; returns it with its id and `seq`.
    public func appendEvent(type: String, data: [UInt8], occurredAt: Timestamp) throws -> OutboxEvent {
        try write("appending \(type) event") { db in
            try insertEvent(db, type: type, data: data, occurredAt: occurredAt, dossierCode: nil)
        }
    }

    /// Appends events in one transaction (all or none), in order.
    public func appendEvents(_ events: [(type: String, data: [UInt8], occurredAt: Timestamp)]) throws -> [OutboxEvent] {
        try write("appending \(events.count) events") { db in
            try events.map {
                try insertEvent(db, type: $0.type, data: $0.data, occurredAt: $0.occurredAt, dossierCode: nil)
            }
        }
    }

    /// Events neither delivered nor dead, ascending `seq`, at most `limit`.
    public func pendingEvents(limit: Int) throws -> [OutboxEvent] {
        let operation = "reading pending events"
        try checkLimit(limit, operation)
        let db = try openDatabase(operation)
        return try storeOperation(operation) {
            let select = try db.cachedStatement(
                "SELECT \(Self.eventColumns) FROM \(Self.eventsJoinedWithData(indexedBy: "outbox_pending"))"
                    + " WHERE o.delivered_at IS NULL AND o.dead_at IS NULL ORDER BY o.seq LIMIT ?")
            var events: [OutboxEvent] = []
            try select.forEachRow([.integer(Int64(limit))]) { events.append(try Self.event(from: $0)) }
            return events
        }
    }

    /// Marks events delivered (the server answered `accepted` or `duplicate`), in one
    /// transaction. Each is found by its `seq` (the table's rowid) and must still carry its id;
    /// events not found, or already delivered, are ignored.
    public func markDelivered(_ events: [OutboxEvent], at: Timestamp) throws {
        try write("marking \(events.count) events delivered") { db in
            let update = try db.cachedStatement(Self.markDeliveredSQL)
            defer { update.reset() }
            let text = at.description
            for event in events {
                try update.bind([.text(text), .integer(at.unixSeconds), .integer(event.seq), .text(event.id)])
                try update.step()
            }
        }
    }

    /// Counts a failed delivery attempt for events still pending (found by `seq` and id), with
    /// the error and when to retry.
    public func recordFailedAttempt(_ events: [OutboxEvent], error: String, nextAttemptAt: Timestamp?) throws {
        try write("recording a failed delivery of \(events.count) events") { db in
            let update = try db.cachedStatement(Self.recordFailedAttemptSQL)
            defer { update.reset() }
            for event in events {
                try update.bind([
                    .text(error), SQLiteValue(nextAttemptAt?.description), .integer(event.seq), .text(event.id),
                ])
                try update.step()
            }
        }
    }

    /// Moves a pending event (found by `seq` and id) to the dead letters (the server rejected
    /// it for good).
    public func moveToDeadLetters(_ event: OutboxEvent, reason: String, at: Timestamp) throws {
        let operation = "moving event \(event.id) to dead letters"
        try write(operation) { db in
            let update = try db.cachedStatement(Self.moveToDeadLettersSQL)
            try update.execute([.text(reason), .text(at.description), .integer(event.seq), .text(event.id)])
            guard db.changes == 1 else {
                throw StoreError(
                    .unknownEvent, operation: operation, detail: "no pending event \(event.seq) with id \(event.id)")
            }
        }
    }

    /// Dead letters, ascending `seq`, at most `limit`.
    public func deadLetters(limit: Int) throws -> [DeadLetter] {
        let operation = "reading dead letters"
        try checkLimit(limit, operation)
        let db = try openDatabase(operation)
        return try storeOperation(operation) {
            let select = try db.cachedStatement(
                "SELECT \(Self.eventColumns), o.dead_reason, o.dead_at FROM \(Self.eventsJoinedWithData(indexedBy: "outbox_dead"))"
                    + " WHERE o.dead_at IS NOT NULL ORDER BY o.seq LIMIT ?")
            var letters: [DeadLetter] = []
            try select.forEachRow([.integer(Int64(limit))]) { row in
                let event = try Self.event(from: row)
                letters.append(
                    DeadLetter(
                        event: event, reason: row.string(at: 7) ?? "",
                        at: try row.timestamp(at: 8, "dead letter \(event.seq)")))
            }
            return letters
        }
    }

    /// Moves a dead letter back to pending (a technician fixed the cause); false when no dead
    /// letter has that id. Found by id through the index of dead letters' ids (schema version 6:
    /// the outbox has no index of every id).
    public func requeue(id: String) throws -> Bool {
        try write("requeueing event \(id)") { db in
            let update = try db.cachedStatement(Self.requeueSQL)
            try update.execute([.text(id)])
            return db.changes > 0
        }
    }

    /// Counts and times of the outbox, read in one snapshot, in the same time whatever the
    /// backlog: the counts are counters the outbox's triggers keep (schema version 5), the
    /// times the first entry of an index.
    public func summary() throws -> OutboxSummary {
        try read("summarizing the outbox") { db in
            func firstTime(_ sql: String) throws -> Timestamp? {
                let statement = try db.cachedStatement(sql)
                defer { statement.reset() }
                guard try statement.step() == .row else { return nil }
                return try statement.optionalTimestamp(at: 0, "outbox summary")
            }
            var counters: [String: Int64] = [:]
            try db.cachedStatement(
                "SELECT name, seq FROM sqlite_sequence WHERE name IN ('outbox', ?, ?, ?)"
            ).forEachRow([.text(Schema.pendingCounter), .text(Schema.deadCounter), .text(Schema.deliveredCounter)]) {
                counters[$0.string(at: 0) ?? ""] = $0.int64(at: 1)
            }
            let oldest = try firstTime(
                "SELECT occurred_at FROM outbox INDEXED BY outbox_pending"
                    + " WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT 1")
            let lastDelivered = try firstTime(
                "SELECT delivered_at FROM outbox INDEXED BY outbox_delivered"
                    + " WHERE delivered_at IS NOT NULL ORDER BY delivered_unix DESC LIMIT 1")
            return OutboxSummary(
                pending: Int(counters[Schema.pendingCounter] ?? 0), oldestPendingAt: oldest,
                deadLetters: Int(counters[Schema.deadCounter] ?? 0),
                delivered: Int(counters[Schema.deliveredCounter] ?? 0), lastDeliveredAt: lastDelivered,
                lastSeq: counters["outbox"] ?? 0)
        }
    }
}
