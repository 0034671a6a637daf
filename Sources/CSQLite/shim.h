#include <sqlite3.h>

/// Process-wide settings applied before SQLite initialises (`sqlite3_config` is variadic, which
/// Swift cannot call). `SQLITE_CONFIG_PAGECACHE` with no buffer and no pages: no page cache
/// starts with a bulk allocation of 20 pages (about 88 KB), so the ephemeral table an
/// `IN (…)` list or a trigger opens for one statement costs a page, not a block large enough
/// that freeing it makes glibc trim and the next statement fault the memory back in. Returns
/// `SQLITE_OK`, or `SQLITE_MISUSE` when SQLite was already initialised in this process.
static inline int kiosk_sqlite3_configure_process(void) {
    return sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
}

/// The largest single allocation SQLite asked for since the last reset, in bytes
/// (`SQLITE_STATUS_MALLOC_SIZE`'s high-water mark); `reset` starts a new mark.
static inline long long kiosk_sqlite3_largest_allocation(int reset) {
    sqlite3_int64 current = 0, highest = 0;
    sqlite3_status64(SQLITE_STATUS_MALLOC_SIZE, &current, &highest, reset);
    return highest;
}
