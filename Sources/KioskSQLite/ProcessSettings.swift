import CKioskShim
import CSQLite

/// SQLite's process-wide settings, applied once before the first connection opens.
///
/// - Page caches start without a bulk allocation (`SQLITE_CONFIG_PAGECACHE` with no pages):
///   SQLite otherwise gives every new page cache a block of 20 pages (about 88 KB) up front,
///   the ephemeral table of an `IN (…)` list included. The store's outbox counters open one per
///   event written or delivered; freeing that block made glibc trim the store thread's heap
///   (`madvise`) and the next statement fault the pages back in, about 13 % of the intake
///   cycle's CPU (docs/store-performance.md). Pages are now allocated one at a time.
/// - WAL frames reach the file in one write per transaction (``walWriteBuffer``).
public enum ProcessSettings {
    /// Whether the settings are in force: false when SQLite was initialised in this process
    /// before the first ``Database`` opened (it then runs with its defaults, only slower).
    public static var applied: Bool { outcome.pageCache && outcome.walWriteBuffer }

    /// Whether connections opened from now on write their WAL through the write buffer (the
    /// default VFS `kiosk-wal-buffer`, Sources/CKioskShim/wal_write_buffer.c): SQLite writes
    /// each WAL frame in two calls, so a commit of nine pages was eighteen `pwrite`s before its
    /// `fdatasync`; a transaction's frames now go in one, when its commit frame is complete,
    /// before SQLite syncs, reads or publishes them (docs/store-performance.md).
    public static var walWriteBuffer: Bool { outcome.walWriteBuffer }

    /// In this order: the page cache can only be configured before SQLite initialises, which
    /// finding the default VFS does.
    private static let outcome: (pageCache: Bool, walWriteBuffer: Bool) = {
        let pageCache = kiosk_sqlite3_configure_process() == SQLITE_OK
        return (pageCache, kiosk_sqlite3_use_wal_write_buffer() == SQLITE_OK)
    }()

    /// The largest single allocation SQLite asked for since the last call with `reset` (the
    /// high-water mark of `SQLITE_STATUS_MALLOC_SIZE`, process-wide), in bytes.
    public static func largestAllocation(reset: Bool) -> Int {
        Int(kiosk_sqlite3_largest_allocation(reset ? 1 : 0))
    }
}
