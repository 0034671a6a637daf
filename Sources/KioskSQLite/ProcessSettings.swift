import CSQLite

/// SQLite's process-wide settings, applied once before the first connection opens.
///
/// Page caches start without a bulk allocation (`SQLITE_CONFIG_PAGECACHE` with no pages):
/// SQLite otherwise gives every new page cache a block of 20 pages (about 88 KB) up front,
/// the ephemeral table of an `IN (…)` list included. The store's outbox counters open one per
/// event written or delivered; freeing that block made glibc trim the store thread's heap
/// (`madvise`) and the next statement fault the pages back in, about 13 % of the intake
/// cycle's CPU (docs/store-performance.md). Pages are now allocated one at a time.
public enum ProcessSettings {
    /// Whether the settings are in force: false when SQLite was initialised in this process
    /// before the first ``Database`` opened (it then runs with its defaults, only slower).
    public static let applied: Bool = kiosk_sqlite3_configure_process() == SQLITE_OK

    /// The largest single allocation SQLite asked for since the last call with `reset` (the
    /// high-water mark of `SQLITE_STATUS_MALLOC_SIZE`, process-wide), in bytes.
    public static func largestAllocation(reset: Bool) -> Int {
        Int(kiosk_sqlite3_largest_allocation(reset ? 1 : 0))
    }
}
