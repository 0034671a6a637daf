// A test-only SQLite VFS that simulates power cuts at the storage layer.
//
// It wraps the default VFS. Every write and truncate since a file's last xSync is kept with
// the bytes it replaced. At a chosen moment (the Nth write/truncate/sync, or on request) the
// "power is cut": for each open file the unsynced operations are undone, then all, none, a
// prefix or a random subset of them is applied again, optionally torn sector by sector
// (each 512-byte piece new, old, or garbage). From then on every write, truncate and sync
// fails and nothing is deleted, so the files stay as the cut left them until the test closes
// the connection and reopens the database as kioskd would after the power came back.
//
// Not thread-safe: one connection at a time uses one registered instance. Never linked into
// a product; only test targets depend on this module.
#ifndef CPOWERCUTVFS_H
#define CPOWERCUTVFS_H

#include <stdint.h>

/// What reaches the disk of the writes made since the last sync.
typedef enum {
    /// None of them.
    KIOSK_POWERCUT_LOSE_ALL = 0,
    /// All of them, whole.
    KIOSK_POWERCUT_KEEP_ALL = 1,
    /// The first k of them, in order (k random).
    KIOSK_POWERCUT_KEEP_PREFIX = 2,
    /// A random subset: a later write may land without an earlier one (reordering).
    KIOSK_POWERCUT_KEEP_SUBSET = 3,
    /// A random subset, each kept write torn: every 512-byte sector of it new, old or garbage.
    KIOSK_POWERCUT_TORN = 4,
} kiosk_powercut_mode;

typedef struct kiosk_powercut kiosk_powercut;

/// Registers a VFS named `name` (not the default) over the default VFS; NULL on failure.
kiosk_powercut *kiosk_powercut_register(const char *name);
/// Unregisters and frees it; every connection using it must be closed first.
void kiosk_powercut_unregister(kiosk_powercut *vfs);
/// Cuts the power before the `operations`-th write/truncate/sync from now (1 = the next one);
/// 0 disarms. `seed` drives every random choice of the cut.
void kiosk_powercut_arm(kiosk_powercut *vfs, int64_t operations, kiosk_powercut_mode mode, uint64_t seed);
/// Cuts the power now.
void kiosk_powercut_cut_now(kiosk_powercut *vfs, kiosk_powercut_mode mode, uint64_t seed);
/// Whether the power was cut (then every write fails until `kiosk_powercut_restore`).
int kiosk_powercut_has_cut(const kiosk_powercut *vfs);
/// Power back for the next run: writes work again, the operation count restarts at 0.
void kiosk_powercut_restore(kiosk_powercut *vfs);
/// Writes, truncates and syncs seen since the last restore.
int64_t kiosk_powercut_operations(const kiosk_powercut *vfs);
/// Unsynced operations the last cut found (over all files), and how many of them it applied.
int64_t kiosk_powercut_last_cut_pending(const kiosk_powercut *vfs);
int64_t kiosk_powercut_last_cut_applied(const kiosk_powercut *vfs);
/// Writes to main database files (not their -wal or journals) since registration: in WAL
/// mode only a checkpoint writes there, so a test can see whether one ran.
int64_t kiosk_powercut_main_database_writes(const kiosk_powercut *vfs);

#endif
