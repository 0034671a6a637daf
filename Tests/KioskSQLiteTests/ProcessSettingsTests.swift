import KioskTestSupport
import Testing

@testable import KioskSQLite

/// SQLite's process-wide settings (``ProcessSettings``): no page cache starts with a bulk block.
@Suite struct ProcessSettingsTests {
    /// glibc consolidates and trims a heap when a free chunk reaches 64 KiB
    /// (`FASTBIN_CONSOLIDATION_THRESHOLD`); every allocation of a write must stay below it.
    static let trimThreshold = 64 * 1024

    @Test func theFirstConnectionAppliesThem() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        defer { db.close() }
        #expect(ProcessSettings.applied, "SQLite was initialised before the first Database opened")
    }

    /// An `IN (…)` list over a table without an index opens an ephemeral table: with SQLite's
    /// defaults its page cache allocated 20 pages (about 88 KB) at once, on every run.
    @Test func anEphemeralTableAllocatesNoBulkPageCache() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.file("t.db"))
        defer { db.close() }
        try db.execute(
            "CREATE TABLE counters (name TEXT, value INTEGER); INSERT INTO counters VALUES ('a', 0), ('b', 0), ('c', 0)"
        )
        let update = try db.prepare("UPDATE counters SET value = value + 1 WHERE name IN ('a', 'c', 'z')")
        #expect(try db.prepare("EXPLAIN \(update.sql)").rowsMention("OpenEphemeral"))
        // The mark is process-wide and tests run in parallel: another test may allocate a large
        // block inside one window, not inside all of them; the bulk block came every time.
        var smallest = Int.max
        for _ in 0..<20 {
            _ = ProcessSettings.largestAllocation(reset: true)
            try update.execute()
            smallest = min(smallest, ProcessSettings.largestAllocation(reset: false))
        }
        #expect(smallest < Self.trimThreshold, "largest SQLite allocation of the UPDATE: \(smallest) bytes")
        #expect(try db.scalar("SELECT sum(value) FROM counters") == .integer(40))
    }
}

extension Statement {
    /// Whether any row of the statement (an `EXPLAIN`) has `word` in one of its columns.
    fileprivate func rowsMention(_ word: String) throws -> Bool {
        var found = false
        try forEachRow { row in
            for column in 0..<row.columnCount where row.string(at: column) == word { found = true }
        }
        return found
    }
}
