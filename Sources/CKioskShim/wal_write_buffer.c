// SQLite's write-ahead log, written one transaction at a time: see CKioskShim.h and
// docs/store-performance.md ("WAL frames in one write").
//
// SQLite writes each WAL frame with two calls (its 24-byte header, then the page), so a commit
// of nine pages is eighteen `pwrite`s before its `fdatasync`. This VFS sits over the default one
// (`unix`) and gives the WAL file a buffer: contiguous writes collect there and reach the file in
// one write when the transaction's commit frame is complete — before SQLite publishes the
// frames in the WAL index, syncs the file or reads it back. The bytes, their order and every
// sync are SQLite's own; only the number of write calls changes. A crash with frames still in
// the buffer loses frames of a transaction that had not committed, which SQLite ignores on
// recovery anyway (a WAL transaction counts only once its commit frame is in the file). Every
// other file (the database, temporary files) is the default VFS's own, untouched.
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "CKioskShim.h"

/// Bytes collected before they are written out even without a commit (a transaction of more
/// pages than fit goes out in pieces of this size).
enum { WAL_BUFFER_CAPACITY = 64 * 1024 };
/// A WAL frame's header; bytes 4–7 hold the database's size after the commit in a commit frame
/// and zero in every other frame.
enum { WAL_FRAME_HEADER = 24 };
/// The WAL file's own header, written at offset 0 when the log starts (again).
enum { WAL_HEADER = 32 };

typedef struct WalBufferFile {
    sqlite3_file base;        // this VFS's methods
    sqlite3_file *real;       // the default VFS's file, in the memory right after this struct
    unsigned char *buffer;    // allocated on the first write
    int used;                 // bytes in `buffer`
    sqlite3_int64 start;      // where `buffer[0]` goes in the file
    int commitFrameNext;      // a commit frame's header is buffered: its page ends the transaction
    sqlite3_int64 appendFrom; // the end of what this log has written since it last started
    long long sqliteWrites;   // write calls SQLite made
    long long fileWrites;     // writes that reached the file
} WalBufferFile;

static sqlite3_vfs *under;
static sqlite3_vfs walBufferVFS;
static const sqlite3_io_methods walBufferMethods;

#define REAL(file) (((WalBufferFile *)(file))->real)

/// Writes `amount` bytes at `offset` to the file itself, counted.
static int writeThrough(WalBufferFile *file, const void *data, int amount, sqlite3_int64 offset) {
    int rc = file->real->pMethods->xWrite(file->real, data, amount, offset);
    if (rc == SQLITE_OK) file->fileWrites++;
    return rc;
}

/// Writes the buffered bytes to the file. If that fails they are dropped: SQLite fails the
/// transaction they belong to and writes its frames again when it tries again.
static int flush(WalBufferFile *file) {
    if (file->used == 0) return SQLITE_OK;
    int rc = writeThrough(file, file->buffer, file->used, file->start);
    file->used = 0;
    file->commitFrameNext = 0;
    return rc;
}

/// After `amount` bytes went into the buffer: the page after a commit frame's header ends
/// the transaction (written out now); a commit frame's header says its page comes next.
static int noteFrameWrite(WalBufferFile *file, const void *data, int amount) {
    if (file->commitFrameNext) return flush(file);
    if (amount == WAL_FRAME_HEADER) {
        const unsigned char *header = data;
        file->commitFrameNext = (header[4] | header[5] | header[6] | header[7]) != 0;
    }
    return SQLITE_OK;
}

static int bufClose(sqlite3_file *f) {
    WalBufferFile *file = (WalBufferFile *)f;
    int flushed = flush(file);
    int rc = file->real->pMethods->xClose(file->real);
    free(file->buffer);
    file->buffer = NULL;
    return flushed != SQLITE_OK ? flushed : rc;
}

static int bufRead(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset) {
    int rc = flush((WalBufferFile *)f);
    if (rc != SQLITE_OK) return rc;
    return REAL(f)->pMethods->xRead(REAL(f), data, amount, offset);
}

static int bufWrite(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset) {
    WalBufferFile *file = (WalBufferFile *)f;
    file->sqliteWrites++;
    // A page rewritten inside the buffered range (a page written twice in one transaction):
    // patched where it is.
    if (file->used > 0 && offset >= file->start && offset + amount <= file->start + file->used) {
        memcpy(file->buffer + (offset - file->start), data, (size_t)amount);
        return noteFrameWrite(file, data, amount);
    }
    int rc;
    // Bytes before the end of the log written so far: frames of this transaction written
    // again after a spill, or their checksums rewritten after the commit frame. Nothing may
    // follow them to end the transaction, so they go straight to the file, after what is
    // buffered. The log starting again (its header at 0) starts the appending over.
    int restart = offset == 0 && amount == WAL_HEADER;
    if (!restart && offset < file->appendFrom) {
        if ((rc = flush(file)) != SQLITE_OK) return rc;
        return writeThrough(file, data, amount, offset);
    }
    file->appendFrom = offset + amount;
    // Anything but the next bytes, or more than fit: what is buffered goes first, in order.
    if (file->used > 0 && (offset != file->start + file->used || file->used + amount > WAL_BUFFER_CAPACITY)) {
        if ((rc = flush(file)) != SQLITE_OK) return rc;
    }
    if (file->buffer == NULL && amount <= WAL_BUFFER_CAPACITY) file->buffer = malloc(WAL_BUFFER_CAPACITY);
    if (file->buffer == NULL || amount > WAL_BUFFER_CAPACITY) return writeThrough(file, data, amount, offset);
    if (file->used == 0) file->start = offset;
    memcpy(file->buffer + file->used, data, (size_t)amount);
    file->used += amount;
    return noteFrameWrite(file, data, amount);
}

static int bufTruncate(sqlite3_file *f, sqlite3_int64 size) {
    int rc = flush((WalBufferFile *)f);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int bufSync(sqlite3_file *f, int flags) {
    int rc = flush((WalBufferFile *)f);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int bufFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    int rc = flush((WalBufferFile *)f);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int bufLock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xLock(REAL(f), level); }
static int bufUnlock(sqlite3_file *f, int level) { return REAL(f)->pMethods->xUnlock(REAL(f), level); }
static int bufCheckReservedLock(sqlite3_file *f, int *out) {
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int bufFileControl(sqlite3_file *f, int op, void *arg) {
    int rc = flush((WalBufferFile *)f);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int bufSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int bufDeviceCharacteristics(sqlite3_file *f) {
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

// The WAL file has no shared memory and no memory map of its own (the database file does);
// these pass through for completeness.
static int bufShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out) {
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int bufShmLock(sqlite3_file *f, int offset, int n, int flags) {
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void bufShmBarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int bufShmUnmap(sqlite3_file *f, int deleteFlag) { return REAL(f)->pMethods->xShmUnmap(REAL(f), deleteFlag); }
static int bufFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    int rc = flush((WalBufferFile *)f);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xFetch(REAL(f), offset, amount, out);
}
static int bufUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *page) {
    return REAL(f)->pMethods->xUnfetch(REAL(f), offset, page);
}

static const sqlite3_io_methods walBufferMethods = {
    3,
    bufClose,
    bufRead,
    bufWrite,
    bufTruncate,
    bufSync,
    bufFileSize,
    bufLock,
    bufUnlock,
    bufCheckReservedLock,
    bufFileControl,
    bufSectorSize,
    bufDeviceCharacteristics,
    bufShmMap,
    bufShmLock,
    bufShmBarrier,
    bufShmUnmap,
    bufFetch,
    bufUnfetch,
};

// MARK: - The VFS: WAL files buffered, everything else the default VFS's own

static int vfsOpen(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) return under->xOpen(under, name, f, flags, outFlags);
    WalBufferFile *file = (WalBufferFile *)f;
    memset(file, 0, sizeof *file);
    file->real = (sqlite3_file *)(file + 1);
    int rc = under->xOpen(under, name, file->real, flags, outFlags);
    // SQLite closes a file whose open failed only if it has methods.
    file->base.pMethods = file->real->pMethods != NULL ? &walBufferMethods : NULL;
    return rc;
}

static int vfsDelete(sqlite3_vfs *v, const char *name, int syncDir) {
    (void)v;
    return under->xDelete(under, name, syncDir);
}
static int vfsAccess(sqlite3_vfs *v, const char *name, int flags, int *out) {
    (void)v;
    return under->xAccess(under, name, flags, out);
}
static int vfsFullPathname(sqlite3_vfs *v, const char *name, int size, char *out) {
    (void)v;
    return under->xFullPathname(under, name, size, out);
}
static void *vfsDlOpen(sqlite3_vfs *v, const char *name) {
    (void)v;
    return under->xDlOpen(under, name);
}
static void vfsDlError(sqlite3_vfs *v, int size, char *out) {
    (void)v;
    under->xDlError(under, size, out);
}
static void (*vfsDlSym(sqlite3_vfs *v, void *handle, const char *symbol))(void) {
    (void)v;
    return under->xDlSym(under, handle, symbol);
}
static void vfsDlClose(sqlite3_vfs *v, void *handle) {
    (void)v;
    under->xDlClose(under, handle);
}
static int vfsRandomness(sqlite3_vfs *v, int size, char *out) {
    (void)v;
    return under->xRandomness(under, size, out);
}
static int vfsSleep(sqlite3_vfs *v, int microseconds) {
    (void)v;
    return under->xSleep(under, microseconds);
}
static int vfsCurrentTime(sqlite3_vfs *v, double *out) {
    (void)v;
    return under->xCurrentTime(under, out);
}
static int vfsGetLastError(sqlite3_vfs *v, int size, char *out) {
    (void)v;
    return under->xGetLastError ? under->xGetLastError(under, size, out) : 0;
}
static int vfsCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) {
    (void)v;
    return under->xCurrentTimeInt64(under, out);
}
static int vfsSetSystemCall(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr call) {
    (void)v;
    return under->xSetSystemCall(under, name, call);
}
static sqlite3_syscall_ptr vfsGetSystemCall(sqlite3_vfs *v, const char *name) {
    (void)v;
    return under->xGetSystemCall(under, name);
}
static const char *vfsNextSystemCall(sqlite3_vfs *v, const char *name) {
    (void)v;
    return under->xNextSystemCall(under, name);
}

int kiosk_sqlite3_use_wal_write_buffer(void) {
    if (sqlite3_vfs_find(KIOSK_WAL_BUFFER_VFS) != NULL) return SQLITE_OK;
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    // Version 3 is what this file forwards (the unix VFS's own version on Debian 12).
    if (base == NULL || base->iVersion < 3) return SQLITE_ERROR;
    under = base;
    walBufferVFS = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)sizeof(WalBufferFile) + base->szOsFile,
        .mxPathname = base->mxPathname,
        .zName = KIOSK_WAL_BUFFER_VFS,
        .xOpen = vfsOpen,
        .xDelete = vfsDelete,
        .xAccess = vfsAccess,
        .xFullPathname = vfsFullPathname,
        .xDlOpen = vfsDlOpen,
        .xDlError = vfsDlError,
        .xDlSym = vfsDlSym,
        .xDlClose = vfsDlClose,
        .xRandomness = vfsRandomness,
        .xSleep = vfsSleep,
        .xCurrentTime = vfsCurrentTime,
        .xGetLastError = vfsGetLastError,
        .xCurrentTimeInt64 = vfsCurrentTimeInt64,
        .xSetSystemCall = vfsSetSystemCall,
        .xGetSystemCall = vfsGetSystemCall,
        .xNextSystemCall = vfsNextSystemCall,
    };
    return sqlite3_vfs_register(&walBufferVFS, 1);
}

int kiosk_sqlite3_wal_write_counts(void *db, long long *sqliteWrites, long long *fileWrites) {
    sqlite3_file *wal = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK) return -1;
    if (wal == NULL || wal->pMethods != &walBufferMethods) return -1;
    *sqliteWrites = ((WalBufferFile *)wal)->sqliteWrites;
    *fileWrites = ((WalBufferFile *)wal)->fileWrites;
    return 0;
}
