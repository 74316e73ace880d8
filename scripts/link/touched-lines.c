/* scripts/link-order's filter for valgrind's lackey: reads its --trace-mem lines on standard input and prints, in
   hex, each 64-byte line of [LO, HI) that a load, store or modify touched. The trace of one -onetime is a few GB of
   text, which is why this is C and reads a pipe. Usage: touched-lines LO HI (hex). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: touched-lines LO HI\n");
        return 2;
    }
    unsigned long lo = strtoul(argv[1], NULL, 16), hi = strtoul(argv[2], NULL, 16);
    size_t count = (hi - lo) / 64 + 1;
    unsigned char *touched = calloc(count, 1);
    if (touched == NULL) return 1;
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        char *p = line;
        while (*p == ' ') p++;
        if (*p != 'L' && *p != 'S' && *p != 'M') continue; /* I: an instruction fetch; callgrind covers code */
        unsigned long address = strtoul(p + 1, NULL, 16);
        if (address >= lo && address < hi) touched[(address - lo) / 64] = 1;
    }
    for (size_t i = 0; i < count; i++)
        if (touched[i]) printf("%lx\n", lo + i * 64);
    return 0;
}
