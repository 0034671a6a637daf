import Foundation
import KioskTestSupport
import Testing

@testable import KioskSQLite

/// The WAL write buffer (``ProcessSettings/walWriteBuffer``, Sources/CKioskShim/wal_write_buffer.c):
/// a transaction's frames reach the WAL file in one write, and what SQLite reads, publishes or
/// syncs is always already in the file.
@Suite struct WALWriteBufferTests {
    /// A WAL database with three b-trees a row touches (the table and two indexes).
    private static func open(_ path: String, synchronous: String = "FULL") throws -> Database {
        let db = try Database(path: path)
        try db.setBusyTimeout(milliseconds: 10_000)
        _ = try db.setPragma("journal_mode", "WAL")
        _ = try db.setPragma("synchronous", synchronous)
        _ = try db.setPragma("wal_autocheckpoint", "0")
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, code TEXT UNIQUE, body BLOB);
            CREATE INDEX IF NOT EXISTS rows_by_body ON rows (body)
            """)
        return db
    }

    private static func insert(_ db: Database, _ id: Int, bytes: Int = 600) throws {
        try db.execute(
            "INSERT INTO rows (id, code, body) VALUES (?, ?, ?)",
            [.integer(Int64(id)), .text("code-\(id)"), .blob(Array(repeating: UInt8(id % 251), count: bytes))])
    }

    /// SQLite writes every frame in two calls (header, page); the file gets one write per
    /// commit. Without the buffer the connection's WAL has no counts at all.
    @Test func eachCommitReachesTheFileInOneWrite() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.open(dir.file("t.db"))
        defer { db.close() }
        try Self.insert(db, 0)
        let before = try #require(db.walWrites, "the WAL is not written through the buffer")
        for id in 1...50 {
            try db.transaction {
                try Self.insert(db, id)
                try Self.insert(db, 1000 + id)
            }
        }
        let after = try #require(db.walWrites)
        #expect(after.file - before.file == 50)
        // Three b-trees, two calls per frame: at least six calls per commit.
        #expect(after.sqlite - before.sqlite >= 50 * 6)
    }

    /// A commit without a sync of its own (`synchronous=NORMAL`) is in the file before SQLite
    /// publishes it: another connection reads it at once, every time.
    @Test func anotherConnectionReadsEachCommitAtOnce() throws {
        let dir = try TemporaryDirectory()
        let writer = try Self.open(dir.file("t.db"), synchronous: "NORMAL")
        defer { writer.close() }
        let reader = try Database(path: dir.file("t.db"))
        defer { reader.close() }
        for id in 1...200 {
            try Self.insert(writer, id)
            #expect(try reader.scalar("SELECT count(*) FROM rows") == .integer(Int64(id)))
            #expect(try reader.scalar("SELECT length(body) FROM rows WHERE code = ?", [.text("code-\(id)")]) == 600)
        }
        #expect(try reader.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    /// A transaction larger than the buffer (64 KiB), and one whose pages SQLite spills and
    /// writes again (a page cache of a few pages), are whole: read back by another
    /// connection, checked, and after a checkpoint and a reopen.
    @Test func largeAndSpilledTransactionsAreWhole() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("t.db")
        do {
            let db = try Self.open(path)
            defer { db.close() }
            try db.transaction {
                for id in 1...400 { try Self.insert(db, id, bytes: 3000) }
            }
            _ = try db.setPragma("cache_size", "4")
            try db.transaction {
                for round in 1...3 {
                    try db.execute(
                        "UPDATE rows SET body = randomblob(3000 + ?) WHERE id % 3 = ?",
                        [.integer(Int64(round)), .integer(Int64(round % 3))])
                }
                try db.execute("UPDATE rows SET body = zeroblob(2500) WHERE id % 2 = 0")
            }
            let counts = try #require(db.walWrites)
            #expect(counts.file < counts.sqlite)
            let reader = try Database(path: path)
            defer { reader.close() }
            #expect(try reader.scalar("SELECT count(*) FROM rows WHERE length(body) = 2500") == 200)
            #expect(try reader.scalar("PRAGMA integrity_check") == .text("ok"))
            _ = try db.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let reopened = try Database(path: path)
        defer { reopened.close() }
        #expect(try reopened.scalar("SELECT count(*) FROM rows") == 400)
        #expect(try reopened.scalar("SELECT count(*) FROM rows WHERE length(body) = 2500") == 200)
        #expect(try reopened.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    /// After a checkpoint the WAL starts again from its beginning (a new header, frames written
    /// over old ones): the counts go on at one write per commit and the data stays right.
    @Test func theWALStartingAgainKeepsOneWritePerCommit() throws {
        let dir = try TemporaryDirectory()
        let db = try Self.open(dir.file("t.db"))
        defer { db.close() }
        for id in 1...20 { try Self.insert(db, id) }
        #expect(try db.scalar("PRAGMA wal_checkpoint(PASSIVE)") != nil)
        let before = try #require(db.walWrites)
        for id in 21...40 { try Self.insert(db, id) }
        let after = try #require(db.walWrites)
        // The first commit after the checkpoint writes the new WAL header, which SQLite syncs
        // on its own (one write), then its frames (one write); every other commit one write.
        #expect(after.file - before.file == 21)
        #expect(try db.scalar("SELECT count(*) FROM rows") == 40)
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
    }

    /// A transaction whose pages SQLite spilled to the WAL and wrote again rewrites the
    /// checksums of its frames after its commit frame: with `synchronous=NORMAL` nothing syncs
    /// after that, and the files as they are then (a crash of the process) still hold the
    /// whole transaction. Copied while the writer is still open, as a killed process leaves
    /// them.
    @Test func aSpilledTransactionIsWholeInTheFilesWithoutASync() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("t.db")
        let db = try Self.open(path, synchronous: "NORMAL")
        defer { db.close() }
        try db.transaction {
            for id in 1...300 { try Self.insert(db, id, bytes: 3000) }
        }
        _ = try db.setPragma("cache_size", "4")
        for round in 1...3 {
            try db.transaction {
                for pass in 1...3 {
                    try db.execute(
                        "UPDATE rows SET body = zeroblob(2000 + ?) WHERE id % 3 = ?",
                        [.integer(Int64(round * 10 + pass)), .integer(Int64(pass % 3))])
                }
            }
        }
        let copy = dir.file("copy.db")
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
        }
        let reopened = try Database(path: copy)
        defer { reopened.close() }
        #expect(try reopened.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try reopened.scalar("SELECT count(*) FROM rows WHERE length(body) = 2033") == 100)
        #expect(try reopened.scalar("SELECT count(*) FROM rows WHERE length(body) = 2031") == 100)
        #expect(try reopened.scalar("SELECT count(*) FROM rows WHERE length(body) = 2032") == 100)
    }
}
