import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

/// What each commit of the intake cycle writes, read from the WAL (schema version 6): every
/// b-tree a commit touches is a whole page in the log and in the fsync the citizen waits for,
/// so an index nobody reads on that path must not appear.
@Suite struct IntakePagesTests {
    let at = Fixtures.time("2026-11-21T09:15:02+07:00")

    @Test func theIntakeCycleWritesOnlyTheTablesItNeeds() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path, now: { Fixtures.time("2026-11-21T09:15:02+07:00") })
        var numbers = try await store.nextIntakeNumbers(day: at.localDay, registerBook: "2026")
        var wal = WALFrames(path: path + "-wal")
        let names = try PageOwners(path: path)
        var intakeTrees = Set<String>()
        var events: [OutboxEvent] = []
        for round in 0..<40 {
            let code = Fixtures.code(day: at.localDay, sequence: numbers.sequence)
            let draft = IntakeDraft(
                dossier: Fixtures.dossier(code: code, receivedAt: at), eventData: Fixtures.eventData(code: code),
                printJob: PrintJobDraft(kind: "intake-receipt", payload: Array(repeating: 0x41, count: 700)))
            _ = try wal.newPages()
            let record = try #require(
                try await store.recordIntake(prepared: draft, numbers: numbers, claimingReceipt: true))
            numbers = numbers.next
            events.append(record.event)
            let intake = try names.owners(of: wal.newPages())
            try await store.recordPrintWritten(id: record.printJob.id)
            let written = try names.owners(of: wal.newPages())
            try await store.completePrintJob(id: record.printJob.id)
            let completion = try names.owners(of: wal.newPages())
            // The first rounds create the tables' first pages; from then on the steady state.
            guard round >= 5 else { continue }
            intakeTrees.formUnion(intake)
            #expect(written == ["print_jobs"], "written wrote \(written)")
            #expect(completion == ["print_jobs"], "completion wrote \(completion)")
        }
        let expected: Set<String> = [
            "dossiers", "sqlite_autoindex_dossiers_1", "dossiers_unpurged_by_received", "outbox", "outbox_pending",
            "outbox_data", "print_jobs", "sqlite_sequence", PageOwners.unowned, PageOwners.header,
        ]
        #expect(intakeTrees.isSubset(of: expected), "the intake wrote \(intakeTrees.subtracting(expected))")
        // The ack of a batch writes the events' rows and the two delivery indexes, not an
        // index of ids.
        _ = try wal.newPages()
        try await store.markDelivered(events, at: at)
        let ack = try names.owners(of: wal.newPages())
        #expect(
            ack.isSubset(of: [
                "outbox", "outbox_pending", "outbox_delivered", "sqlite_sequence", PageOwners.unowned,
                PageOwners.header,
            ]), "the ack wrote \(ack)")
        await store.close()
    }

    /// Forwarding finds its events by `seq`, a technician's requeue by the dead letters' index
    /// of ids, the pending list by its partial index: none walks the outbox.
    @Test func forwardingFindsEventsBySeqAndRequeueByTheDeadLettersIds() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        for sql in [KioskStore.markDeliveredSQL, KioskStore.recordFailedAttemptSQL, KioskStore.moveToDeadLettersSQL] {
            let plan = try await store.queryPlan(sql)
            #expect(plan == ["SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)"], "\(plan) for \(sql)")
        }
        let requeue = try await store.queryPlan(KioskStore.requeueSQL)
        #expect(requeue == ["SEARCH outbox USING INDEX outbox_dead_by_id (id=?)"], "\(requeue)")
        // A requeue by id finds the dead letter; a pending event of that id is not one.
        let events = try await store.appendEvents(
            Array(repeating: (type: "kiosk.health", data: [1], occurredAt: at), count: 3))
        try await store.moveToDeadLetters(events[1], reason: "rejected", at: at)
        #expect(try await store.requeue(id: events[0].id) == false)
        #expect(try await store.requeue(id: events[1].id))
        #expect(try await store.pendingEvents(limit: 10) == events)
        // A seq whose id is not the event's changes nothing.
        var stranger = events[2]
        stranger.id = events[0].id
        try await store.markDelivered([stranger], at: at)
        #expect(try await store.summary().pending == 3)
        await store.close()
    }
}

/// The page numbers of the frames appended to a WAL since the last call. A frame belongs to
/// the current log when its salts are the header's (a writer starting the log over after a
/// checkpoint writes new ones).
private struct WALFrames {
    let path: String
    var offset = 32
    var salts: [UInt8] = []

    mutating func newPages() throws -> [UInt32] {
        guard let bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }), bytes.count >= 32 else {
            return []
        }
        let pageSize = Int(Self.word(bytes, 8))
        if Array(bytes[16..<24]) != salts {
            salts = Array(bytes[16..<24])
            offset = 32
        }
        var pages: [UInt32] = []
        while offset + 24 + pageSize <= bytes.count, Array(bytes[(offset + 8)..<(offset + 16)]) == salts {
            pages.append(Self.word(bytes, offset))
            offset += 24 + pageSize
        }
        return pages
    }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// The table or index owning each page (`dbstat`), on a read-only connection of its own.
private final class PageOwners {
    static let unowned = "pointer map or free list"
    static let header = "page 1"
    let db: Database

    init(path: String) throws { db = try Database(path: path, flags: [.readOnly, .noMutex]) }

    func owners(of pages: [UInt32]) throws -> Set<String> {
        var byPage: [UInt32: String] = [:]
        try db.prepare("SELECT name, pageno FROM dbstat").forEachRow {
            byPage[UInt32($0.int64(at: 1))] = $0.string(at: 0)
        }
        return Set(pages.map { $0 == 1 ? Self.header : byPage[$0] ?? Self.unowned })
    }
}
