// What the binary was built from, as scripts/bootstrap.sh (build_release) passed it to the
// package manifest. Empty strings when it was built some other way (a plain `swift build`).
#ifndef SLUICE_BUILD_INFO_H
#define SLUICE_BUILD_INFO_H

/// The git commit (40 hex digits, `-dirty` appended when tracked files had changes), or "".
const char *sluice_build_commit(void);
/// The first line of `swift --version` of the toolchain that built it, or "".
const char *sluice_build_swift(void);

#endif
