// Most of the shim lives in the header as static inline functions; SwiftPM needs one source file.
// The pseudo-terminal and thread functions are here because they need _GNU_SOURCE before <stdlib.h>, which a
// header shared with Swift's Glibc module cannot arrange.
#define _GNU_SOURCE
#include <stdlib.h>
#include <pthread.h>
#include <unistd.h>
#include "CKioskShim.h"

int kiosk_posix_openpt(int flags) { return posix_openpt(flags); }
int kiosk_grantpt(int fd) { return grantpt(fd); }
int kiosk_unlockpt(int fd) { return unlockpt(fd); }
int kiosk_ptsname_r(int fd, char *buf, size_t buflen) { return ptsname_r(fd, buf, buflen); }

int kiosk_name_current_thread(const char *name) { return pthread_setname_np(pthread_self(), name); }
int kiosk_gettid(void) { return (int)gettid(); }
