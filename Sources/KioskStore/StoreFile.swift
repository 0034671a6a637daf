import KioskDomain
import KioskSQLite

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opening the database file: pragmas, integrity check, migrations, and moving a corrupt
/// file aside.
enum StoreFile {
    /// Mode of the database, its `-wal` and its `-shm`: the kiosk user's alone.
    static let mode: mode_t = 0o600
    /// Busy timeout: kioskctl may hold a read or a short write while kioskd writes.
    static let busyTimeoutMilliseconds = 5000
    /// `PRAGMA journal_size_limit`: the WAL is truncated back to this after checkpoints.
    static let journalSizeLimit = 4 * 1024 * 1024

    /// Opens the file, moving it aside first when it is corrupt; returns the open database
    /// and the recovery note, if any.
    static func open(path: String, now: Date = Date(), vfs: String? = nil) throws -> (Database, StoreRecovery?) {
        do {
            // Checked before SQLite opens the file: SQLite deletes the -wal of a file whose
            // header is not a WAL database's, and that WAL may be what a recovery needs.
            // A bad first page with frames in the WAL beside it is SQLite's to recover: a power
            // cut while a checkpoint rewrote page 1, before the file's sync, leaves the page
            // whole in the WAL (found by the power-cut simulation, docs/durability.md). Only
            // without such a WAL is a bad header the file's last word.
            if let problem = headerProblem(path: path), !walHasFrames(path: path) {
                throw CorruptFile(reason: problem)
            }
            return (try openChecked(path: path, vfs: vfs), nil)
        } catch let failure as CorruptFile {
            let movedTo = try moveAside(path: path, at: now, operation: "opening \(path)")
            let db = try storeOperation("opening \(path) after moving a corrupt file aside") {
                try openChecked(path: path, vfs: vfs)
            }
            return (db, StoreRecovery(movedTo: movedTo, reason: failure.reason))
        }
    }

    /// The file failed its check; the reason names the check's findings or SQLite's code.
    struct CorruptFile: Error {
        var reason: String
    }

    /// Whether `<path>-wal` is a WAL (its magic, 0x377f0682 or 0x377f0683) holding more
    /// than its 32-byte header, i.e. frames SQLite reads before the database file's pages.
    static func walHasFrames(path: String) -> Bool {
        guard let head = firstBytes(33, of: path + "-wal"), head.count == 33 else { return false }
        return Array(head.prefix(3)) == [0x37, 0x7f, 0x06] && (head[3] == 0x82 || head[3] == 0x83)
    }

    /// The 16-byte magic every SQLite database file starts with.
    private static let magic = Array("SQLite format 3\u{0}".utf8)

    /// Why the file's first bytes are not an SQLite header; nil when they are, or when the
    /// file is missing or empty (a new database).
    static func headerProblem(path: String) -> String? {
        guard let head = firstBytes(magic.count, of: path), !head.isEmpty else { return nil }
        return Array(head) == magic ? nil : "file header is not an SQLite database header (SQLITE_NOTADB, 26)"
    }

    /// Up to `count` bytes from the start of the file at `path`; nil when it cannot be opened
    /// or read. The corresponding C functions are `open` and `pread`.
    private static func firstBytes(_ count: Int, of path: String) -> [UInt8]? {
        #if canImport(Glibc)
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        #else
            let fd = Darwin.open(path, O_RDONLY | O_CLOEXEC)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, count - filled, off_t(filled)) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes.prefix(filled))
    }

    /// Opens, configures, checks and migrates; throws ``CorruptFile`` for a damaged file and
    /// ``StoreError`` for anything else (a missing directory, a full disk, a lock).
    private static func openChecked(path: String, vfs: String?) throws -> Database {
        let operation = "opening \(path)"
        do {
            // Personal data: the file, its -wal and -shm are the kiosk user's alone (0600),
            // whatever the umask of whoever runs kioskd.
            do {
                try DatabaseFileMode.apply(StoreFile.mode, toDatabaseAt: path)
            } catch {
                throw StoreError(.sqlite, operation: operation, detail: String(describing: error))
            }
            let db = try Database(path: path, vfs: vfs)
            try db.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            // Reading the schema is what first touches the file: a destroyed header fails here.
            let tableCount = try db.scalar("SELECT count(*) FROM sqlite_schema")?.integer ?? 0
            if tableCount == 0 {
                // Only possible before the first table exists.
                try db.setPragma("auto_vacuum", "INCREMENTAL")
            }
            let mode = try db.setPragma("journal_mode", "WAL")
            guard mode == .text("wal") else {
                throw StoreError(
                    .sqlite, operation: operation, detail: "journal_mode stayed \(String(describing: mode))")
            }
            try db.setPragma("synchronous", "FULL")
            try db.setPragma("foreign_keys", "ON")
            try db.setPragma("journal_size_limit", String(journalSizeLimit))
            // No checkpoint inside a commit: the store runs them itself, between writes, at an
            // idle moment or when the WAL has grown (CheckpointSchedule).
            try db.setPragma("wal_autocheckpoint", "0")
            // …when it has grown: the schedule reads the WAL's frames after each commit.
            db.trackWALFrames()
            // Erased personal data is zeroed in the pages that held it, not left as free space.
            try db.setPragma("secure_delete", "ON")
            if let problem = try integrityProblem(db) {
                db.close()
                throw CorruptFile(reason: problem)
            }
            try Schema.migrate(db)
            return db
        } catch let error as SQLiteError where error.code.meansCorruptFile {
            throw CorruptFile(reason: "SQLite error \(error.code.rawValue) (\(error.code)): \(error.message)")
        } catch let error as SQLiteError {
            throw StoreError(error, operation: operation)
        }
    }

    /// Above this size the open-time check is `quick_check`.
    static let fullCheckLimitBytes: Int64 = 32 * 1024 * 1024

    /// Checks the file and returns the findings, nil when "ok" (at most 20 findings read).
    ///
    /// `integrity_check` up to 32 MiB: it also checks that every index matches its table (a
    /// broken `outbox_pending` index would hide or repeat events). A kiosk's file stays a few
    /// MiB under retention, where it takes well under 0.2 s. Larger files (a backlog of
    /// 100,000 events is about 75 MiB) get `quick_check`, which skips the index-to-table
    /// cross-check: measured on such a file, 1.1–1.3 s for integrity_check against 0.3 s, and
    /// the open delays `READY=1`.
    private static func integrityProblem(_ db: Database) throws -> String? {
        let pages = try db.pragma("page_count")?.integer ?? 0
        let pageSize = try db.pragma("page_size")?.integer ?? 4096
        let check = pages * pageSize <= fullCheckLimitBytes ? "integrity_check" : "quick_check"
        let statement = try db.prepare("PRAGMA \(check)(20)")
        var findings: [String] = []
        try statement.forEachRow { row in findings.append(row.string(at: 0) ?? "") }
        if findings == ["ok"] { return nil }
        return "\(check): " + findings.prefix(5).joined(separator: "; ")
    }

    /// Renames the database and its `-wal`/`-shm` to `<path>.corrupt-<UTC timestamp>[-wal|-shm]`.
    static func moveAside(path: String, at now: Date, operation: String) throws -> String {
        let stamp = corruptStamp(now)
        let files = FileManager.default
        var target = "\(path).corrupt-\(stamp)"
        var attempt = 1
        while files.fileExists(atPath: target) || files.fileExists(atPath: target + "-wal") {
            attempt += 1
            target = "\(path).corrupt-\(stamp)-\(attempt)"
        }
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            guard rename(path + suffix, target + suffix) == 0 else {
                let reason = String(cString: strerror(errno))
                throw StoreError(
                    .recoveryFailed, operation: operation,
                    detail: "corrupt database could not be moved to \(target + suffix): \(reason)")
            }
        }
        return target
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, seconds truncated: the domain's RFC 3339 text at offset
    /// zero without its separators.
    static func corruptStamp(_ date: Date) -> String {
        let utc = Timestamp(unixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)), offsetSeconds: 0)
        return String(utc.description.filter { $0 != "-" && $0 != ":" })
    }
}
