import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct StatusTests {
    @Test func statusesAndCursorAreStoredTogether() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        #expect(try await store.updatesCursor() == nil)
        let processing = DossierStatusUpdate(
            code: "YBVY01-261121-0007-K", status: .processing, note: "Sở Tư pháp đang xử lý",
            at: Fixtures.time("2026-11-22T10:00:00+07:00"))
        try await store.applyStatusUpdates([processing], cursor: "c1")
        #expect(try await store.updatesCursor() == "c1")
        #expect(try await store.latestStatus(code: processing.code) == processing)

        // An older update arriving late does not overwrite a newer one; nil keeps the cursor.
        var older = processing
        older.status = .received
        older.at = Fixtures.time("2026-11-21T10:00:00+07:00")
        var ready = processing
        ready.code = "YBVY01-261121-0008-K"
        ready.status = .resultReady
        ready.note = nil
        try await store.applyStatusUpdates([older, ready], cursor: nil)
        #expect(try await store.latestStatus(code: processing.code) == processing)
        #expect(try await store.latestStatus(code: ready.code) == ready)
        #expect(try await store.updatesCursor() == "c1")
        #expect(try await store.latestStatus(code: "unknown") == nil)
    }

    @Test func failedCursorWriteRollsBackTheStatuses() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path)
        try await store.applyStatusUpdates([], cursor: "c1")
        // Another connection makes the cursor write fail, after the statuses were written.
        let other = try Database(path: path)
        try other.execute(
            "CREATE TRIGGER refuse_cursor BEFORE UPDATE ON kiosk_state BEGIN SELECT RAISE(ABORT, 'cursor refused'); END"
        )
        let update = DossierStatusUpdate(
            code: "YBVY01-261121-0007-K", status: .processing, note: nil, at: Fixtures.time("2026-11-22T10:00:00+07:00")
        )
        await #expect {
            try await store.applyStatusUpdates([update], cursor: "c2")
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .sqlite && error?.sqliteMessage == "cursor refused"
        }
        #expect(try await store.latestStatus(code: update.code) == nil)
        #expect(try await store.updatesCursor() == "c1")
    }
}
