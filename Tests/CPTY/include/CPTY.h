// posix_openpt, grantpt, unlockpt and ptsname_r are not visible to Swift.
#ifndef SLUICE_CPTY_H
#define SLUICE_CPTY_H

/// Opens a new pseudo-terminal. Returns the master fd (or -1) and writes the
/// slave's path into `name` (`size` bytes).
int cpty_open(char *name, unsigned long size);

#endif
