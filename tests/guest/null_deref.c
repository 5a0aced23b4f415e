// Reads a field through a NULL structure pointer: the fault address is 0x28, inside the
// unmapped first page. The kernel must kill the program with SIGSEGV (status 139) and report
// "segmentation fault" with that address on stderr.
#include <stdio.h>

struct record {
    long header[5];
    long field;  // offset 0x28
};

int main(void) {
    struct record* volatile nothing = NULL;
    printf("dereferencing NULL->field\n");
    fflush(stdout);
    long value = nothing->field;
    printf("unreachable: %ld\n", value);
    return 0;
}
