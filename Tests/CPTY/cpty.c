#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include "CPTY.h"

int cpty_open(char *name, unsigned long size) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, size) != 0) return -1;
    return fd;
}
