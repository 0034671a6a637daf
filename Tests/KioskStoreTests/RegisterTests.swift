import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

/// The kiosk's register ("Sổ theo dõi hồ sơ"): a book per year, a number per dossier, kept with
/// the dossier in the intake transaction (schema step 3).
@Suite struct RegisterTests {
    private func intake(_ store: KioskStore, _ at: String, book: String) async throws -> IntakeRecord {
        let receivedAt = Fixtures.time(at)
        return try await store.recordIntake(day: receivedAt.localDay, registerBook: book) { sequence, _ in
            let code = Fixtures.code(day: receivedAt.localDay, sequence: sequence)
            return IntakeDraft(
                dossier: Fixtures.dossier(code: code, receivedAt: receivedAt),
                eventData: Fixtures.eventData(code: code), printJob: PrintJobDraft(kind: "intake-receipt", payload: [1])
            )
        }
    }

    @Test func numbersRunPerBookAcrossDaysAndStayWithTheDossier() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let first = try await intake(store, "2026-12-30T09:00:00+07:00", book: "2026")
        let second = try await intake(store, "2026-12-31T09:00:00+07:00", book: "2026")
        let newYear = try await intake(store, "2027-01-04T09:00:00+07:00", book: "2027")
        #expect(first.dossier.register == RegisterEntry(book: "2026", number: 1))
        #expect(second.dossier.register == RegisterEntry(book: "2026", number: 2))
        #expect(newYear.dossier.register == RegisterEntry(book: "2027", number: 1))
        #expect(try await store.dossier(code: second.dossier.code)?.register == RegisterEntry(book: "2026", number: 2))
    }

    @Test func aFailedIntakeDoesNotUseANumber() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.recordIntake(day: CalendarDay(iso: "2026-12-30")!, registerBook: "2026") { _, _ in
                throw Refused()
            }
        }
        let next = try await intake(store, "2026-12-30T09:00:00+07:00", book: "2026")
        #expect(next.dossier.register?.number == 1)
    }

    @Test func aVersionTwoDatabaseGainsTheRegisterAndKeepsItsDossiers() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        do {
            let db = try Database(path: path)
            try db.transaction {
                try db.execute(Schema.migrations[0])
                try db.execute(Schema.migrations[1])
                try db.setUserVersion(2)
                try db.execute(
                    """
                    INSERT INTO dossiers (code, procedure_code, procedure_name, received_at, received_unix, due_date,
                        fee_vnd, delivery_method, office)
                    VALUES ('OLD-1', '1.001234', 'Cấp Phiếu lý lịch tư pháp', '2026-11-21T09:15:02+07:00', 0,
                        '2026-12-07', 0, 'counter', 'Bưu điện')
                    """)
            }
            db.close()
        }
        let store = try KioskStore(path: path)
        #expect(try await store.scalar("PRAGMA user_version") == .integer(Int64(Schema.currentVersion)))
        let old = try #require(try await store.dossier(code: "OLD-1"))
        #expect(old.register == nil)
        let next = try await intake(store, "2026-12-30T09:00:00+07:00", book: "2026")
        #expect(next.dossier.register == RegisterEntry(book: "2026", number: 1))
    }
}
