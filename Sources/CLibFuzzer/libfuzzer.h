// libFuzzer's driver, for a program that keeps its own main (sluice-fuzz picks its target from its
// first argument). Linked only in builds with -sanitize=fuzzer (scripts/fuzz); see FuzzMain.swift.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
