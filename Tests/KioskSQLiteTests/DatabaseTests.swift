import Foundation
import KioskTestSupport
import Testing

@testable import KioskSQLite

@Suite struct DatabaseTests {
    @Test func walFramesCountTheWALAfterEachCommit() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        defer { db.close() }
        try db.setPragma("journal_mode", "WAL")
        db.trackWALFrames()
        #expect(db.walFrames == 0)
        try db.execute("CREATE TABLE t (v BLOB)")
        let afterTable = db.walFrames
        #expect(afterTable >= 1)
        try db.transaction { try db.execute("INSERT INTO t VALUES (?)", [.blob(Array(repeating: 7, count: 20_000))]) }
        // Five pages of blob at least (4,096 bytes each), on top of what the table took.
        #expect(db.walFrames >= afterTable + 5)
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try db.execute("INSERT INTO t VALUES (x'01')")
        // Started again from the WAL's beginning.
        #expect(db.walFrames >= 1 && db.walFrames < afterTable + 5)
    }

    @Test func createsTableAndReadsEveryTypeBack() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let insert = try db.prepare("INSERT INTO t (i, r, s, b, n) VALUES (?, ?, ?, ?, ?)")
        let bytes: [UInt8] = [0, 1, 2, 0xff, 0, 0x7f]
        try insert.bind(Int64.max, at: 1)
        try insert.bind(-1.5, at: 2)
        try insert.bind("Nguyễn Bá Hoàng\u{0}tail", at: 3)
        try insert.bind(bytes, at: 4)
        try insert.bindNull(at: 5)
        #expect(try insert.step() == .done)
        #expect(db.changes == 1)
        #expect(db.lastInsertRowID == 1)

        // Second row: Int, empty text, empty blob, optionals.
        try insert.execute([.integer(42), .null, "", .blob([]), .text("x")])
        #expect(db.lastInsertRowID == 2)
        let insertOptional = try db.prepare("INSERT INTO t (i, s, b) VALUES (?, ?, ?)")
        try insertOptional.bind(Optional<Int>.none, at: 1)
        try insertOptional.bind(Optional<String>.none, at: 2)
        try insertOptional.bind(Optional<[UInt8]>.none, at: 3)
        try insertOptional.step()

        let select = try db.prepare("SELECT i, r, s, b, n FROM t ORDER BY rowid")
        #expect(select.columnCount == 5)
        #expect(select.columnName(at: 2) == "s")
        #expect(try select.step() == .row)
        #expect(select.int64(at: 0) == Int64.max)
        #expect(select.double(at: 1) == -1.5)
        #expect(select.string(at: 2) == "Nguyễn Bá Hoàng\u{0}tail")
        #expect(select.blob(at: 3) == bytes)
        #expect(select.isNull(at: 4))
        #expect(select.value(at: 4) == .null)
        #expect(try select.step() == .row)
        #expect(select.int(at: 0) == 42)
        #expect(select.isNull(at: 1))
        #expect(select.string(at: 2) == "")
        #expect(select.blob(at: 3) == [])
        #expect(select.value(at: 3) == .blob([]))
        #expect(select.value(at: 4) == .text("x"))
        #expect(try select.step() == .row)
        #expect(select.isNull(at: 0) && select.string(at: 2) == nil && select.blob(at: 3) == nil)
        #expect(try select.step() == .done)

        // reset: the same statement runs again from the start.
        select.reset()
        #expect(try select.step() == .row)
        #expect(select.int64(at: 0) == Int64.max)
        select.reset()
    }

    @Test func transactionCommitsOnReturnAndRollsBackOnThrow() throws {
        struct Refused: Error {}
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try db.execute("CREATE TABLE t (v INTEGER)")
        let answer = try db.transaction {
            try db.execute("INSERT INTO t VALUES (?)", [1])
            return 7
        }
        #expect(answer == 7)
        #expect(throws: Refused.self) {
            try db.transaction(.immediate) {
                try db.execute("INSERT INTO t VALUES (?)", [2])
                throw Refused()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT group_concat(v) FROM t") == .text("1"))
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(1))

        // Deferred and exclusive transactions work the same way.
        try db.transaction(.deferred) { try db.execute("INSERT INTO t VALUES (3)") }
        try db.transaction(.exclusive) { try db.execute("INSERT INTO t VALUES (4)") }
        #expect(try db.scalar("SELECT sum(v) FROM t") == .integer(8))
    }

    @Test func constraintErrorCarriesCodeMessageAndSQL() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try db.execute("CREATE TABLE t (id TEXT PRIMARY KEY NOT NULL, v INTEGER NOT NULL)")
        let sql = "INSERT INTO t (id, v) VALUES (?, ?)"
        try db.execute(sql, ["a", 1])
        do {
            try db.execute(sql, ["a", 2])
            Issue.record("duplicate key was accepted")
        } catch {
            #expect(error.code == .constraintPrimaryKey)
            #expect(error.code.primary == .constraint)
            #expect(error.message.contains("UNIQUE constraint failed: t.id"))
            #expect(error.context == sql)
            #expect(error.description.contains("UNIQUE constraint failed"))
        }
        do {
            try db.execute(sql, ["b", nil])
            Issue.record("NULL was accepted")
        } catch {
            #expect(error.code == .constraintNotNull)
            #expect(error.message.contains("NOT NULL constraint failed: t.v"))
        }
        // A syntax error names the SQL.
        do {
            _ = try db.prepare("SELEC 1")
            Issue.record("bad SQL prepared")
        } catch {
            #expect(error.code == .error)
            #expect(error.message.contains("syntax error"))
            #expect(error.context == "SELEC 1")
        }
        // Two statements in one prepare are refused (they would silently drop the second).
        #expect(throws: SQLiteError.self) { _ = try db.prepare("SELECT 1; SELECT 2") }
        #expect(try db.prepare("SELECT 1;  ").step() == .row)
    }

    @Test func closesAfterStatementsWereUsed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("t.db")
        var db: Database? = try Database(path: path)
        try db!.execute("CREATE TABLE t (v INTEGER)")
        let kept = try db!.prepare("INSERT INTO t VALUES (?)")
        try kept.execute([1])
        let cached = try db!.cachedStatement("SELECT count(*) FROM t")
        #expect(try cached.step() == .row)
        #expect(try db!.cachedStatement("SELECT count(*) FROM t") === cached)
        db!.close()
        #expect(db!.isClosed)
        db!.close()  // twice is harmless
        db = nil
        _ = kept  // finalized after the close: the zombie connection goes away with it

        // The file is intact and not locked: another connection writes to it.
        let again = try Database(path: path)
        try again.execute("INSERT INTO t VALUES (2)")
        #expect(try again.scalar("SELECT count(*) FROM t") == .integer(2))
    }

    @Test func pragmasUserVersionAndBusyTimeout() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        try db.setBusyTimeout(milliseconds: 5000)
        #expect(try db.userVersion() == 0)
        try db.setUserVersion(3)
        #expect(try db.userVersion() == 3)
        #expect(try db.setPragma("journal_mode", "WAL") == .text("wal"))
        try db.setPragma("synchronous", "FULL")
        #expect(try db.pragma("synchronous") == .integer(2))
        try db.setPragma("foreign_keys", "ON")
        #expect(try db.pragma("foreign_keys") == .integer(1))
        #expect(try db.pragma("busy_timeout") == .integer(5000))
    }

    @Test func notADatabaseIsReportedWithItsCode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("garbage.db")
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: path))
        let db = try Database(path: path)
        do {
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            Issue.record("garbage read as a database")
        } catch {
            #expect(error.code == .notADatabase)
            #expect(error.code.meansCorruptFile)
        }
    }

    @Test func openFailureNamesThePath() throws {
        do {
            _ = try Database(path: "/nonexistent-dir/x.db")
            Issue.record("opened a file in a missing directory")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(error.context == "open /nonexistent-dir/x.db")
        }
    }
}
