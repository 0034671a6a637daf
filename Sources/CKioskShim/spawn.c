// Child processes without Foundation's `Process`, whose `run()` on Linux (Swift 6.3) copies 256
// bytes of every `/proc/self/fd` entry it reads and so now and then reads past glibc's buffer
// into an unmapped page: the process dies (swift-corelibs-foundation#5472, fixed after 6.3.2).
// posix_spawn closes the child's other descriptors itself, with no directory to read.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>

#include <fcntl.h>

#include "CKioskShim.h"

extern char **environ;

int kiosk_spawn(
    const char *path, char *const argv[], char *const envp[], const int streams[3], const char *directory,
    pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    for (int target = 0; target < 3 && rc == 0; target++) {
        if (streams[target] == KIOSK_SPAWN_NULL) {
            rc = posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
        } else if (streams[target] >= 0) {
            // glibc clears close-on-exec when a descriptor is "duplicated" onto itself.
            rc = posix_spawn_file_actions_adddup2(&actions, streams[target], target);
        }
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (rc == 0 && directory != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, directory);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &all);
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attributes, argv, envp != NULL ? envp : environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}
