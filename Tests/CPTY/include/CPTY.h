// posix_openpt, grantpt, unlockpt, ptsname_r and the GNU posix_spawn extensions
// (POSIX_SPAWN_SETSID, addclosefrom_np, addchdir_np) are not visible to Swift.
#ifndef SLUICE_CPTY_H
#define SLUICE_CPTY_H

#include <sys/types.h>

/// Opens a new pseudo-terminal. Returns the master fd (or -1) and writes the
/// slave's path into `name` (`size` bytes).
int cpty_open(char *name, unsigned long size);

/// Starts `path` in a new session whose controlling terminal is the pseudo-terminal `slave`
/// (as stdin, stdout and stderr), in `directory`, with default signal dispositions, an empty
/// signal mask and no other open descriptors. Returns 0 and the child in `pid`, or an errno.
int cpty_spawn(const char *path, char *const argv[], char *const envp[], const char *slave,
               const char *directory, pid_t *pid);

#endif
