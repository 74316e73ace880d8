// libFuzzer's entry point for a program that has its own `main` (every SwiftPM executable does: SwiftPM links it
// under another name and points `main` at it, so libFuzzer's `main` is never linked in). `-sanitize=fuzzer` links
// libFuzzer itself.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
