// See include/CPowerCutVFS.h.
#include "CPowerCutVFS.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum { SECTOR = 512 };

/// One unsynced write or truncate, with what it replaced.
typedef struct Op {
    int isTruncate;
    sqlite3_int64 offset;      // write: where; truncate: the new size
    int amount;                // write: bytes written
    unsigned char *data;       // write: the bytes written
    sqlite3_int64 oldSize;     // the file's size before the operation
    unsigned char *old;        // the bytes it replaced (write) or removed (truncate)
    sqlite3_int64 oldAmount;   // how many of them existed
    struct Op *next;
} Op;

typedef struct PcFile {
    sqlite3_file base;
    struct kiosk_powercut *owner;
    struct PcFile *nextOpen;
    Op *first;
    Op *last;
    sqlite3_file *real;
    int isMainDatabase;
} PcFile;

struct kiosk_powercut {
    sqlite3_vfs vfs;
    sqlite3_vfs *under;
    char name[64];
    PcFile *open;
    int64_t countdown;
    kiosk_powercut_mode mode;
    uint64_t seed;
    int cut;
    int64_t operations;
    int64_t lastPending;
    int64_t lastApplied;
    int64_t mainDatabaseWrites;
};

static uint64_t nextRandom(uint64_t *state) {
    // xorshift64*
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void freeOps(PcFile *file) {
    Op *op = file->first;
    while (op) {
        Op *next = op->next;
        free(op->data);
        free(op->old);
        free(op);
        op = next;
    }
    file->first = file->last = NULL;
}

static void appendOp(PcFile *file, Op *op) {
    op->next = NULL;
    if (file->last) file->last->next = op; else file->first = op;
    file->last = op;
}

// MARK: - The cut

// The unix VFS masks every read and write to 128 KiB (SQLite itself never asks for more),
// so the copies the simulation makes go in chunks.
enum { CHUNK = 65536 };

static void rawWrite(sqlite3_file *real, const void *data, sqlite3_int64 amount, sqlite3_int64 offset) {
    const unsigned char *bytes = data;
    for (sqlite3_int64 done = 0; done < amount; done += CHUNK) {
        int length = (int)(amount - done < CHUNK ? amount - done : CHUNK);
        real->pMethods->xWrite(real, bytes + done, length, offset + done);
    }
}

static void rawRead(sqlite3_file *real, void *data, sqlite3_int64 amount, sqlite3_int64 offset) {
    unsigned char *bytes = data;
    for (sqlite3_int64 done = 0; done < amount; done += CHUNK) {
        int length = (int)(amount - done < CHUNK ? amount - done : CHUNK);
        real->pMethods->xRead(real, bytes + done, length, offset + done);
    }
}

static sqlite3_int64 rawSize(sqlite3_file *real) {
    sqlite3_int64 size = 0;
    real->pMethods->xFileSize(real, &size);
    return size;
}

/// Puts the file back as it was at its last sync.
static void undoAll(PcFile *file) {
    // Reverse order: collect the list into an array.
    int count = 0;
    for (Op *op = file->first; op; op = op->next) count++;
    if (count == 0) return;
    Op **ops = malloc(sizeof(Op *) * (size_t)count);
    int i = 0;
    for (Op *op = file->first; op; op = op->next) ops[i++] = op;
    for (i = count - 1; i >= 0; i--) {
        Op *op = ops[i];
        sqlite3_file *real = file->real;
        if (op->isTruncate) {
            if (op->offset < op->oldSize) rawWrite(real, op->old, op->oldAmount, op->offset);
            else real->pMethods->xTruncate(real, op->oldSize);
        } else {
            rawWrite(real, op->old, op->oldAmount, op->offset);
            if (rawSize(real) > op->oldSize) real->pMethods->xTruncate(real, op->oldSize);
        }
    }
    free(ops);
}

/// Applies one write again as the mode says: whole, or torn sector by sector.
static void reapplyWrite(PcFile *file, Op *op, int torn, uint64_t *random) {
    if (!torn) {
        rawWrite(file->real, op->data, op->amount, op->offset);
        return;
    }
    sqlite3_int64 start = op->offset;
    sqlite3_int64 end = op->offset + op->amount;
    while (start < end) {
        sqlite3_int64 sectorEnd = (start / SECTOR + 1) * SECTOR;
        if (sectorEnd > end) sectorEnd = end;
        int length = (int)(sectorEnd - start);
        uint64_t choice = nextRandom(random) % 10;
        if (choice < 6) {
            rawWrite(file->real, op->data + (start - op->offset), length, start);
        } else if (choice < 9) {
            // The sector never reached the disk: the old bytes stay.
        } else {
            unsigned char garbage[SECTOR];
            for (int k = 0; k < length; k++) garbage[k] = (unsigned char)nextRandom(random);
            rawWrite(file->real, garbage, length, start);
        }
        start = sectorEnd;
    }
}

static void cut(struct kiosk_powercut *pc) {
    if (pc->cut) return;
    pc->cut = 1;
    pc->lastPending = 0;
    pc->lastApplied = 0;
    uint64_t random = pc->seed ^ 0xD1B54A32D192ED03ull;
    for (PcFile *file = pc->open; file; file = file->nextOpen) {
        int count = 0;
        for (Op *op = file->first; op; op = op->next) count++;
        pc->lastPending += count;
        undoAll(file);
        int prefix = count ? (int)(nextRandom(&random) % (uint64_t)(count + 1)) : 0;
        int index = 0;
        for (Op *op = file->first; op; op = op->next, index++) {
            int keep;
            switch (pc->mode) {
            case KIOSK_POWERCUT_LOSE_ALL: keep = 0; break;
            case KIOSK_POWERCUT_KEEP_ALL: keep = 1; break;
            case KIOSK_POWERCUT_KEEP_PREFIX: keep = index < prefix; break;
            default: keep = (int)(nextRandom(&random) & 1); break;
            }
            if (!keep) continue;
            pc->lastApplied++;
            if (op->isTruncate) file->real->pMethods->xTruncate(file->real, op->offset);
            else reapplyWrite(file, op, pc->mode == KIOSK_POWERCUT_TORN, &random);
        }
        freeOps(file);
    }
}

/// Counts an operation; returns 1 when the power goes (or went) before it.
static int countAndMaybeCut(struct kiosk_powercut *pc) {
    if (pc->cut) return 1;
    pc->operations++;
    if (pc->countdown > 0 && --pc->countdown == 0) {
        cut(pc);
        return 1;
    }
    return 0;
}

// MARK: - File methods

static int pcClose(sqlite3_file *f) {
    PcFile *file = (PcFile *)f;
    struct kiosk_powercut *pc = file->owner;
    for (PcFile **link = &pc->open; *link; link = &(*link)->nextOpen) {
        if (*link == file) {
            *link = file->nextOpen;
            break;
        }
    }
    // Closed without a sync: its writes are taken as having reached the disk (SQLite syncs
    // what matters before it closes a file).
    freeOps(file);
    return file->real->pMethods->xClose(file->real);
}

static int pcRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xRead(file->real, buffer, amount, offset);
}

static int pcWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset) {
    PcFile *file = (PcFile *)f;
    if (countAndMaybeCut(file->owner)) return SQLITE_IOERR_WRITE;
    Op *op = calloc(1, sizeof(Op));
    if (!op) return SQLITE_NOMEM;
    op->offset = offset;
    op->amount = amount;
    op->oldSize = rawSize(file->real);
    op->data = malloc((size_t)amount);
    sqlite3_int64 existing = op->oldSize - offset;
    op->oldAmount = existing < 0 ? 0 : (existing > amount ? amount : existing);
    op->old = malloc((size_t)(op->oldAmount ? op->oldAmount : 1));
    if (!op->data || !op->old) {
        free(op->data);
        free(op->old);
        free(op);
        return SQLITE_NOMEM;
    }
    memcpy(op->data, buffer, (size_t)amount);
    rawRead(file->real, op->old, op->oldAmount, offset);
    int rc = file->real->pMethods->xWrite(file->real, buffer, amount, offset);
    if (rc != SQLITE_OK) {
        free(op->data);
        free(op->old);
        free(op);
        return rc;
    }
    if (file->isMainDatabase) file->owner->mainDatabaseWrites++;
    appendOp(file, op);
    return SQLITE_OK;
}

static int pcTruncate(sqlite3_file *f, sqlite3_int64 size) {
    PcFile *file = (PcFile *)f;
    if (countAndMaybeCut(file->owner)) return SQLITE_IOERR_TRUNCATE;
    Op *op = calloc(1, sizeof(Op));
    if (!op) return SQLITE_NOMEM;
    op->isTruncate = 1;
    op->offset = size;
    op->oldSize = rawSize(file->real);
    op->oldAmount = op->oldSize > size ? op->oldSize - size : 0;
    op->old = malloc((size_t)(op->oldAmount ? op->oldAmount : 1));
    if (!op->old) {
        free(op);
        return SQLITE_NOMEM;
    }
    rawRead(file->real, op->old, op->oldAmount, size);
    int rc = file->real->pMethods->xTruncate(file->real, size);
    if (rc != SQLITE_OK) {
        free(op->old);
        free(op);
        return rc;
    }
    appendOp(file, op);
    return SQLITE_OK;
}

static int pcSync(sqlite3_file *f, int flags) {
    PcFile *file = (PcFile *)f;
    (void)flags;
    if (countAndMaybeCut(file->owner)) return SQLITE_IOERR_FSYNC;
    // Durable from here. The real fsync is skipped: the host's file system is not what is
    // under test, and the simulation runs many thousands of cuts.
    freeOps(file);
    return SQLITE_OK;
}

static int pcFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xFileSize(file->real, size);
}

static int pcLock(sqlite3_file *f, int level) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xLock(file->real, level);
}

static int pcUnlock(sqlite3_file *f, int level) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xUnlock(file->real, level);
}

static int pcCheckReservedLock(sqlite3_file *f, int *out) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xCheckReservedLock(file->real, out);
}

static int pcFileControl(sqlite3_file *f, int op, void *arg) {
    PcFile *file = (PcFile *)f;
    // No memory-mapped I/O: its writes would bypass the record of unsynced writes.
    if (op == SQLITE_FCNTL_MMAP_SIZE) {
        *(sqlite3_int64 *)arg = 0;
        return SQLITE_OK;
    }
    return file->real->pMethods->xFileControl(file->real, op, arg);
}

static int pcSectorSize(sqlite3_file *f) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xSectorSize(file->real);
}

static int pcDeviceCharacteristics(sqlite3_file *f) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xDeviceCharacteristics(file->real);
}

static int pcShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xShmMap(file->real, page, size, extend, out);
}

static int pcShmLock(sqlite3_file *f, int offset, int n, int flags) {
    PcFile *file = (PcFile *)f;
    return file->real->pMethods->xShmLock(file->real, offset, n, flags);
}

static void pcShmBarrier(sqlite3_file *f) {
    PcFile *file = (PcFile *)f;
    file->real->pMethods->xShmBarrier(file->real);
}

static int pcShmUnmap(sqlite3_file *f, int deleteFlag) {
    PcFile *file = (PcFile *)f;
    // After a cut the shared-memory file stays: deleting it is not something a power cut does.
    return file->real->pMethods->xShmUnmap(file->real, file->owner->cut ? 0 : deleteFlag);
}

static const sqlite3_io_methods pcMethods = {
    2, // no xFetch/xUnfetch: no memory-mapped reads or writes
    pcClose, pcRead, pcWrite, pcTruncate, pcSync, pcFileSize, pcLock, pcUnlock, pcCheckReservedLock,
    pcFileControl, pcSectorSize, pcDeviceCharacteristics, pcShmMap, pcShmLock, pcShmBarrier, pcShmUnmap,
    NULL, NULL,
};

// MARK: - VFS methods

static int pcOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outFlags) {
    struct kiosk_powercut *pc = vfs->pAppData;
    PcFile *file = (PcFile *)f;
    memset(file, 0, sizeof(PcFile));
    file->owner = pc;
    file->real = (sqlite3_file *)(file + 1);
    int rc = pc->under->xOpen(pc->under, name, file->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (file->real->pMethods) file->real->pMethods->xClose(file->real);
        file->base.pMethods = NULL;
        return rc;
    }
    file->base.pMethods = &pcMethods;
    file->isMainDatabase = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    file->nextOpen = pc->open;
    pc->open = file;
    return SQLITE_OK;
}

static int pcDelete(sqlite3_vfs *vfs, const char *name, int syncDir) {
    struct kiosk_powercut *pc = vfs->pAppData;
    if (pc->cut) return SQLITE_OK;  // the files stay as the cut left them
    return pc->under->xDelete(pc->under, name, syncDir);
}

static int pcAccess(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xAccess(pc->under, name, flags, out);
}

static int pcFullPathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xFullPathname(pc->under, name, size, out);
}

static void *pcDlOpen(sqlite3_vfs *vfs, const char *name) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xDlOpen(pc->under, name);
}

static void pcDlError(sqlite3_vfs *vfs, int size, char *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    pc->under->xDlError(pc->under, size, out);
}

static void (*pcDlSym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xDlSym(pc->under, handle, symbol);
}

static void pcDlClose(sqlite3_vfs *vfs, void *handle) {
    struct kiosk_powercut *pc = vfs->pAppData;
    pc->under->xDlClose(pc->under, handle);
}

static int pcRandomness(sqlite3_vfs *vfs, int size, char *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xRandomness(pc->under, size, out);
}

static int pcSleep(sqlite3_vfs *vfs, int microseconds) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xSleep(pc->under, microseconds);
}

static int pcCurrentTime(sqlite3_vfs *vfs, double *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xCurrentTime(pc->under, out);
}

static int pcGetLastError(sqlite3_vfs *vfs, int size, char *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xGetLastError ? pc->under->xGetLastError(pc->under, size, out) : 0;
}

static int pcCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    struct kiosk_powercut *pc = vfs->pAppData;
    return pc->under->xCurrentTimeInt64(pc->under, out);
}

// MARK: - Public

kiosk_powercut *kiosk_powercut_register(const char *name) {
    sqlite3_initialize();
    sqlite3_vfs *under = sqlite3_vfs_find(NULL);
    if (!under || strlen(name) >= sizeof(((kiosk_powercut *)0)->name)) return NULL;
    kiosk_powercut *pc = calloc(1, sizeof(kiosk_powercut));
    if (!pc) return NULL;
    strcpy(pc->name, name);
    pc->under = under;
    sqlite3_vfs *vfs = &pc->vfs;
    vfs->iVersion = 2;
    vfs->szOsFile = (int)sizeof(PcFile) + under->szOsFile;
    vfs->mxPathname = under->mxPathname;
    vfs->zName = pc->name;
    vfs->pAppData = pc;
    vfs->xOpen = pcOpen;
    vfs->xDelete = pcDelete;
    vfs->xAccess = pcAccess;
    vfs->xFullPathname = pcFullPathname;
    vfs->xDlOpen = pcDlOpen;
    vfs->xDlError = pcDlError;
    vfs->xDlSym = pcDlSym;
    vfs->xDlClose = pcDlClose;
    vfs->xRandomness = pcRandomness;
    vfs->xSleep = pcSleep;
    vfs->xCurrentTime = pcCurrentTime;
    vfs->xGetLastError = pcGetLastError;
    vfs->xCurrentTimeInt64 = pcCurrentTimeInt64;
    if (sqlite3_vfs_register(vfs, 0) != SQLITE_OK) {
        free(pc);
        return NULL;
    }
    return pc;
}

void kiosk_powercut_unregister(kiosk_powercut *pc) {
    if (!pc) return;
    sqlite3_vfs_unregister(&pc->vfs);
    free(pc);
}

void kiosk_powercut_arm(kiosk_powercut *pc, int64_t operations, kiosk_powercut_mode mode, uint64_t seed) {
    pc->countdown = operations;
    pc->mode = mode;
    pc->seed = seed;
}

void kiosk_powercut_cut_now(kiosk_powercut *pc, kiosk_powercut_mode mode, uint64_t seed) {
    pc->mode = mode;
    pc->seed = seed;
    cut(pc);
}

int kiosk_powercut_has_cut(const kiosk_powercut *pc) { return pc->cut; }

void kiosk_powercut_restore(kiosk_powercut *pc) {
    pc->cut = 0;
    pc->countdown = 0;
    pc->operations = 0;
}

int64_t kiosk_powercut_operations(const kiosk_powercut *pc) { return pc->operations; }
int64_t kiosk_powercut_last_cut_pending(const kiosk_powercut *pc) { return pc->lastPending; }
int64_t kiosk_powercut_last_cut_applied(const kiosk_powercut *pc) { return pc->lastApplied; }
int64_t kiosk_powercut_main_database_writes(const kiosk_powercut *pc) { return pc->mainDatabaseWrites; }
