import KioskSQLite

/// The store's schema as a list of migrations; migration `n` (1-based) brings
/// `PRAGMA user_version` from `n - 1` to `n`.
///
/// Append new steps; never edit a released one.
enum Schema {
    /// The migrations, in order.
    static let migrations: [String] = [
        version1, version2, registerBook, printJobLife, outboxCounts, fewerPagesPerIntake,
    ]

    /// The user_version a fully migrated database has.
    static var currentVersion: Int { migrations.count }

    /// Runs the migrations the database lacks, each in its own `BEGIN IMMEDIATE`
    /// transaction together with its `user_version` bump.
    static func migrate(_ db: Database) throws {
        while true {
            // Read inside the transaction: another process may have migrated meanwhile.
            let done = try db.transaction(.immediate) { () throws -> Bool in
                let version = try db.userVersion()
                guard version < migrations.count else { return true }
                try db.execute(migrations[version])
                try db.setUserVersion(version + 1)
                return false
            }
            if done { return }
        }
    }

    /// Times are RFC 3339 text with their offset (`*_at`); where the store compares times it
    /// also keeps Unix seconds (`*_unix`), since text with different offsets does not sort.
    private static let version1 = """
        CREATE TABLE dossiers (
            code TEXT PRIMARY KEY NOT NULL,
            procedure_code TEXT NOT NULL,
            procedure_name TEXT NOT NULL,
            applicant_id_number TEXT,
            applicant_name TEXT,
            applicant_birth_date TEXT,
            applicant_gender TEXT,
            applicant_address TEXT,
            received_at TEXT NOT NULL,
            received_unix INTEGER NOT NULL,
            due_date TEXT NOT NULL,
            fee_vnd INTEGER NOT NULL,
            delivery_method TEXT NOT NULL CHECK (delivery_method IN ('post', 'counter')),
            delivery_address TEXT,
            postal_item TEXT,
            office TEXT NOT NULL,
            returned_at TEXT,
            purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1))
        );
        CREATE INDEX dossiers_unpurged_by_received ON dossiers (received_unix) WHERE purged = 0;

        -- AUTOINCREMENT: seq is never reused, even after the highest rows are purged.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            data BLOB NOT NULL,
            dossier_code TEXT REFERENCES dossiers (code),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            delivered_at TEXT,
            delivered_unix INTEGER,
            dead_reason TEXT,
            dead_at TEXT
        );
        -- Pending in seq order, oldest pending, pending count: a walk of this small index,
        -- whose size is the backlog, not the table.
        CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
        CREATE INDEX outbox_dead ON outbox (seq) WHERE dead_at IS NOT NULL;
        CREATE INDEX outbox_delivered ON outbox (delivered_unix) WHERE delivered_at IS NOT NULL;
        CREATE INDEX outbox_by_dossier ON outbox (dossier_code) WHERE dossier_code IS NOT NULL;

        CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            payload BLOB NOT NULL,
            dossier_code TEXT REFERENCES dossiers (code),
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX print_jobs_by_dossier ON print_jobs (dossier_code) WHERE dossier_code IS NOT NULL;

        CREATE TABLE dossier_status (
            code TEXT PRIMARY KEY NOT NULL,
            status TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL,
            at_unix INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE kiosk_state (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT
        ) WITHOUT ROWID;

        CREATE TABLE daily_sequence (
            day TEXT PRIMARY KEY NOT NULL,
            last_value INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Version 2: each event's `data` moves to `outbox_data`, so `outbox` rows are narrow
    /// (about 150 bytes instead of about 1 KB). Marking a batch of 100 events delivered then
    /// rewrites a handful of pages instead of some forty, so it writes little to the WAL; the
    /// data is written once, at enqueue, and never rewritten.
    ///
    /// `outbox_data.seq` is the event's `outbox.seq`; a trigger deletes the data with its
    /// event (retention purge), and `secure_delete` zeroes it there too.
    private static let version2 = """
        CREATE TABLE outbox_data (
            seq INTEGER PRIMARY KEY NOT NULL,
            data BLOB NOT NULL
        );
        INSERT INTO outbox_data (seq, data) SELECT seq, data FROM outbox ORDER BY seq;
        ALTER TABLE outbox DROP COLUMN data;
        CREATE TRIGGER outbox_data_goes_with_its_event AFTER DELETE ON outbox
        BEGIN
            DELETE FROM outbox_data WHERE seq = OLD.seq;
        END;
        """

    /// Version 3: the kiosk's register ("Sổ theo dõi hồ sơ", issue 15): a book per year and a sequence
    /// per dossier, printed on the receipt ("Quyển số … Số thứ tự …") and sent to the central
    /// as `register`. `intake_register` holds each book's last number; the dossier keeps its
    /// line. Rows of older versions have none (NULL). The same step gives the central's status
    /// updates their optional new appointment (`due_date`, `due_time`) and the documents still
    /// needed (`documents`, one `kind<TAB>count<TAB>name` a line).
    private static let registerBook = """
        CREATE TABLE intake_register (
            book TEXT PRIMARY KEY NOT NULL,
            last_number INTEGER NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE dossiers ADD COLUMN register_book TEXT;
        ALTER TABLE dossiers ADD COLUMN register_number INTEGER;
        ALTER TABLE dossier_status ADD COLUMN due_date TEXT;
        ALTER TABLE dossier_status ADD COLUMN due_time TEXT;
        ALTER TABLE dossier_status ADD COLUMN documents TEXT;
        """

    /// Version 4: a print job's life in its row, so a restart knows how far the last attempt
    /// got (docs/print-once.md). `stage`: `queued` (no byte of the current attempt sent),
    /// `sending` (an attempt began: bytes may have gone out), `written` (every byte written and
    /// drained, the printer's confirmation not yet seen), `held` (kept for a technician, with
    /// `held_reason`). A confirmed job is deleted. `session` names the kioskd run that moved
    /// the job to `sending` or `written`, so a later run tells its own jobs from a crashed
    /// one's. `reprint`: the next copy prints under the reprint banner. `crash_reprints`:
    /// copies printed because a run died mid-job (at most one before the job is held).
    private static let printJobLife = """
        ALTER TABLE print_jobs ADD COLUMN stage TEXT NOT NULL DEFAULT 'queued'
            CHECK (stage IN ('queued', 'sending', 'written', 'held'));
        ALTER TABLE print_jobs ADD COLUMN session TEXT;
        ALTER TABLE print_jobs ADD COLUMN reprint INTEGER NOT NULL DEFAULT 0 CHECK (reprint IN (0, 1));
        ALTER TABLE print_jobs ADD COLUMN crash_reprints INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE print_jobs ADD COLUMN held_reason TEXT;
        ALTER TABLE print_jobs ADD COLUMN stage_at TEXT;
        UPDATE print_jobs SET reprint = 1 WHERE attempts > 0;
        """

    /// Names of the outbox's counters, rows of `sqlite_sequence` beside the table's own
    /// `outbox` row (its highest `seq`).
    static let pendingCounter = "outbox pending"
    static let deadCounter = "outbox dead"
    static let deliveredCounter = "outbox delivered"

    /// Version 5: the outbox's counts kept by triggers in the transactions that change it, so
    /// the summary (read every minute, on every state change and every control `status`)
    /// costs the same with 1,000,000 pending events as with none; before, it counted the
    /// partial indexes, O(backlog): 2.3 ms at 100,000 pending.
    ///
    /// The counters are rows of `sqlite_sequence`, whose one page every enqueue already
    /// rewrites (`AUTOINCREMENT` keeps the highest `seq` there): a table of their own would
    /// add a page, 4 KiB of WAL, to every enqueue. SQLite documents that table as writable
    /// by ordinary statements; a row whose name is not a table's is never read by SQLite
    /// itself. Each counter counts what the summary always counted: pending is neither
    /// delivered nor dead, dead is `dead_at` set, delivered is `delivered_at` set.
    private static let outboxCounts = """
        INSERT INTO sqlite_sequence (name, seq)
            SELECT '\(pendingCounter)', count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL;
        INSERT INTO sqlite_sequence (name, seq)
            SELECT '\(deadCounter)', count(*) FROM outbox WHERE dead_at IS NOT NULL;
        INSERT INTO sqlite_sequence (name, seq)
            SELECT '\(deliveredCounter)', count(*) FROM outbox WHERE delivered_at IS NOT NULL;
        \(outboxCounterTriggers)
        """

    /// Names of the intake's numbers (version 6), rows of `sqlite_sequence` beside the
    /// outbox's counters: the day whose tracking-code sequence is current and its last value,
    /// the register book in use and its last line. Past days and books are kept in
    /// `daily_sequence` and `intake_register`, written when the day or the book changes.
    static let intakeDayCounter = "intake day"
    static let intakeSequenceCounter = "intake day sequence"
    static let registerBookCounter = "register book"
    static let registerNumberCounter = "register number"

    /// Version 6: an intake writes 8 pages instead of 13 (`kiosk-bench store-flat --pages`,
    /// docs/store-performance.md): every b-tree an intake inserts into is one WAL frame, a
    /// whole 4 KiB page, in the commit whose fsync the citizen waits for.
    ///
    /// - The outbox without the unique index on its random event id
    ///   (`sqlite_autoindex_outbox_1`): an enqueue inserted into a random leaf of it, a page
    ///   no other recent commit had written, so with a backlog each enqueue also cost a page
    ///   more at the next checkpoint (bytes per enqueue 25 KB empty, 32 KB at 100,000 pending).
    ///   Forwarding finds its events by `seq` (the rowid; the id is checked too); only dead
    ///   letters, which a technician requeues by id, are indexed by id (`outbox_dead_by_id`,
    ///   written when an event dies, not when it is written). The ids stay the same text.
    ///   The table is rebuilt for that (SQLite cannot drop a `UNIQUE` constraint); its highest
    ///   `seq` ever used is carried over, so a `seq` is still never reused.
    /// - No `outbox_by_dossier`: a dossier lists its events' `seq` in its own row
    ///   (`event_seqs`, a JSON array, kept by a trigger), a page the intake writes anyway; the
    ///   retention purge reads the list.
    /// - No `print_jobs_by_dossier`: the purge deletes the jobs of the dossiers it erases in
    ///   one pass over `print_jobs`, which holds only the jobs not yet printed.
    /// - The day's sequence and the register book's number are rows of `sqlite_sequence`,
    ///   whose page every intake already writes, instead of two tables of their own.
    private static let fewerPagesPerIntake = """
        ALTER TABLE dossiers ADD COLUMN event_seqs TEXT;
        UPDATE dossiers SET event_seqs = listed.seqs
            FROM (SELECT dossier_code, json_group_array(seq) AS seqs FROM outbox
                WHERE dossier_code IS NOT NULL GROUP BY dossier_code) AS listed
            WHERE dossiers.code = listed.dossier_code;

        INSERT INTO sqlite_sequence (name, seq)
            SELECT 'outbox before v6', coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox';
        CREATE TABLE outbox_v6 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            dossier_code TEXT REFERENCES dossiers (code),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            delivered_at TEXT,
            delivered_unix INTEGER,
            dead_reason TEXT,
            dead_at TEXT
        );
        INSERT INTO outbox_v6 (seq, id, type, occurred_at, dossier_code, attempts, next_attempt_at, last_error,
                delivered_at, delivered_unix, dead_reason, dead_at)
            SELECT seq, id, type, occurred_at, dossier_code, attempts, next_attempt_at, last_error,
                delivered_at, delivered_unix, dead_reason, dead_at
            FROM outbox ORDER BY seq;
        -- Drops its indexes and triggers; fires no trigger (the data and the counters stay).
        DROP TABLE outbox;
        ALTER TABLE outbox_v6 RENAME TO outbox;
        INSERT INTO sqlite_sequence (name, seq)
            SELECT 'outbox', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
        UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox before v6'))
            WHERE name = 'outbox';
        DELETE FROM sqlite_sequence WHERE name = 'outbox before v6';

        CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
        CREATE INDEX outbox_dead ON outbox (seq) WHERE dead_at IS NOT NULL;
        CREATE INDEX outbox_dead_by_id ON outbox (id) WHERE dead_at IS NOT NULL;
        CREATE INDEX outbox_delivered ON outbox (delivered_unix) WHERE delivered_at IS NOT NULL;
        CREATE TRIGGER outbox_data_goes_with_its_event AFTER DELETE ON outbox
        BEGIN
            DELETE FROM outbox_data WHERE seq = OLD.seq;
        END;
        CREATE TRIGGER outbox_listed_with_its_dossier AFTER INSERT ON outbox WHEN NEW.dossier_code IS NOT NULL
        BEGIN
            UPDATE dossiers SET event_seqs = json_insert(coalesce(event_seqs, '[]'), '$[#]', NEW.seq)
                WHERE code = NEW.dossier_code;
        END;
        \(outboxCounterTriggers)

        DROP INDEX print_jobs_by_dossier;

        INSERT INTO sqlite_sequence (name, seq) VALUES
            ('\(intakeDayCounter)', NULL), ('\(intakeSequenceCounter)', 0),
            ('\(registerBookCounter)', NULL), ('\(registerNumberCounter)', 0);
        """

    /// The triggers that keep the outbox's counters: version 5 creates them, version 6 again
    /// with the rebuilt table (one text, so the two cannot drift apart).
    private static let outboxCounterTriggers = """
        CREATE TRIGGER outbox_counted_on_insert AFTER INSERT ON outbox
        BEGIN
            UPDATE sqlite_sequence SET seq = seq + CASE name
                WHEN '\(pendingCounter)' THEN NEW.delivered_at IS NULL AND NEW.dead_at IS NULL
                WHEN '\(deadCounter)' THEN NEW.dead_at IS NOT NULL
                ELSE NEW.delivered_at IS NOT NULL END
            WHERE name IN ('\(pendingCounter)', '\(deadCounter)', '\(deliveredCounter)');
        END;
        CREATE TRIGGER outbox_counted_on_update AFTER UPDATE OF delivered_at, dead_at ON outbox
            WHEN (OLD.delivered_at IS NULL) <> (NEW.delivered_at IS NULL) OR (OLD.dead_at IS NULL) <> (NEW.dead_at IS NULL)
        BEGIN
            UPDATE sqlite_sequence SET seq = seq + CASE name
                WHEN '\(pendingCounter)' THEN (NEW.delivered_at IS NULL AND NEW.dead_at IS NULL)
                    - (OLD.delivered_at IS NULL AND OLD.dead_at IS NULL)
                WHEN '\(deadCounter)' THEN (NEW.dead_at IS NOT NULL) - (OLD.dead_at IS NOT NULL)
                ELSE (NEW.delivered_at IS NOT NULL) - (OLD.delivered_at IS NOT NULL) END
            WHERE name IN ('\(pendingCounter)', '\(deadCounter)', '\(deliveredCounter)');
        END;
        CREATE TRIGGER outbox_counted_on_delete AFTER DELETE ON outbox
        BEGIN
            UPDATE sqlite_sequence SET seq = seq - CASE name
                WHEN '\(pendingCounter)' THEN OLD.delivered_at IS NULL AND OLD.dead_at IS NULL
                WHEN '\(deadCounter)' THEN OLD.dead_at IS NOT NULL
                ELSE OLD.delivered_at IS NOT NULL END
            WHERE name IN ('\(pendingCounter)', '\(deadCounter)', '\(deliveredCounter)');
        END;
        """
}
