// The project's one C shim: what Swift's Glibc module does not import.
// Function-like macros (ioctl request numbers), variadic functions (ioctl) and a few kernel
// structs, as static inline wrappers.
#ifndef CKIOSKSHIM_H
#define CKIOSKSHIM_H

#include <stdint.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <linux/input.h>
#include <linux/hidraw.h>
#include <termios.h>

// MARK: - ioctl request numbers (function-like macros in the kernel headers)

static inline unsigned long kiosk_EVIOCGRAB(void) { return EVIOCGRAB; }
static inline unsigned long kiosk_EVIOCGNAME(size_t len) { return EVIOCGNAME(len); }
static inline unsigned long kiosk_EVIOCGID(void) { return EVIOCGID; }
static inline unsigned long kiosk_EVIOCGKEY(size_t len) { return EVIOCGKEY(len); }
static inline unsigned long kiosk_EVIOCSCLOCKID(void) { return EVIOCSCLOCKID; }
static inline unsigned long kiosk_TIOCEXCL(void) { return TIOCEXCL; }
static inline unsigned long kiosk_TIOCNXCL(void) { return TIOCNXCL; }

static inline int kiosk_ioctl_int(int fd, unsigned long request, int value) { return ioctl(fd, request, value); }
static inline int kiosk_ioctl_none(int fd, unsigned long request) { return ioctl(fd, request); }
static inline int kiosk_ioctl_pointer(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }

// MARK: - Pseudo-terminals (Glibc's module hides these behind _XOPEN_SOURCE; defined in shim.c)

/// posix_openpt(3).
int kiosk_posix_openpt(int flags);
/// grantpt(3).
int kiosk_grantpt(int fd);
/// unlockpt(3).
int kiosk_unlockpt(int fd);
/// ptsname_r(3): the slave's path into buf; 0 or an errno value.
int kiosk_ptsname_r(int fd, char *buf, size_t buflen);
static inline unsigned long kiosk_TIOCOUTQ(void) { return TIOCOUTQ; }

// MARK: - Threads (Glibc's module hides these behind _GNU_SOURCE; defined in shim.c)

/// pthread_setname_np(3) on the calling thread: 0 or an errno value (ERANGE over 15 bytes).
int kiosk_name_current_thread(const char *name);
/// gettid(2): the calling thread's kernel id, as /proc/self/task/<tid> names it.
int kiosk_gettid(void);

// MARK: - Child processes (defined in spawn.c: posix_spawn's closefrom and chdir actions are
// _GNU_SOURCE extensions)

/// A standard stream of a child `kiosk_spawn` starts: this process's own.
#define KIOSK_SPAWN_INHERIT (-1)
/// A standard stream of a child `kiosk_spawn` starts: /dev/null.
#define KIOSK_SPAWN_NULL (-2)
/// Starts `path` (no PATH search) with `argv` and `envp` (NULL-terminated) through
/// posix_spawn(3). Standard stream i is descriptor `streams[i]` of this process,
/// KIOSK_SPAWN_INHERIT or KIOSK_SPAWN_NULL; every other descriptor is closed in the child
/// (posix_spawn_file_actions_addclosefrom_np), which starts in `directory` (NULL: this one) with
/// no signal blocked and every signal at its default action, as a shell starts a command.
/// Returns 0 and the child's pid in `pid`, or an errno value (ENOENT: no such program).
int kiosk_spawn(
    const char *path, char *const argv[], char *const envp[], const int streams[3], const char *directory,
    pid_t *pid);

// MARK: - hidraw (HID-POS scanners)

static inline unsigned long kiosk_HIDIOCGRDESCSIZE(void) { return HIDIOCGRDESCSIZE; }
static inline unsigned long kiosk_HIDIOCGRDESC(void) { return HIDIOCGRDESC; }
static inline unsigned long kiosk_HIDIOCGRAWINFO(void) { return HIDIOCGRAWINFO; }
static inline unsigned long kiosk_HIDIOCGRAWNAME(size_t len) { return HIDIOCGRAWNAME(len); }
/// HID_MAX_DESCRIPTOR_SIZE: the largest report descriptor HIDIOCGRDESC returns.
static inline size_t kiosk_HID_MAX_DESCRIPTOR_SIZE(void) { return HID_MAX_DESCRIPTOR_SIZE; }

// MARK: - SQLite: WAL frames in one write (defined in wal_write_buffer.c)

/// The name of the VFS `kiosk_sqlite3_use_wal_write_buffer` registers.
#define KIOSK_WAL_BUFFER_VFS "kiosk-wal-buffer"
/// Registers, as SQLite's default VFS, the default VFS with a write buffer on WAL files: a
/// transaction's frames reach the file in one write when its commit frame is complete (SQLite
/// writes every frame in two calls), before SQLite syncs, reads or publishes them. Once per
/// process, before the first connection opens; calling it again does nothing. Returns an SQLite
/// result code.
int kiosk_sqlite3_use_wal_write_buffer(void);
/// For tests: the write calls SQLite made on connection `db`'s (a `sqlite3 *`) WAL file and the
/// writes that reached the file. 0, or -1 when the connection has no buffered WAL open.
int kiosk_sqlite3_wal_write_counts(void *db, long long *sqliteWrites, long long *fileWrites);

#endif
