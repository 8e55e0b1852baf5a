// The strings come from -D flags (Package.swift, buildInfoDefines): a string cannot be passed
// to Swift code on the command line, and keeping them here means a new commit recompiles
// only this file.
#include "build_info.h"

#ifndef SLUICE_BUILD_COMMIT
#define SLUICE_BUILD_COMMIT ""
#endif
#ifndef SLUICE_BUILD_SWIFT
#define SLUICE_BUILD_SWIFT ""
#endif

const char *sluice_build_commit(void) { return SLUICE_BUILD_COMMIT; }
const char *sluice_build_swift(void) { return SLUICE_BUILD_SWIFT; }
