// Touches memory until none is left. Linux's out-of-memory killer would end it with SIGKILL
// (status 137); Ingot does the same, with a line on stderr, rather than a segmentation fault.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    printf("allocating until the machine runs out\n");
    fflush(stdout);
    for (;;) {
        char* block = malloc(1 << 20);
        if (!block) {
            printf("malloc failed\n");
            return 1;
        }
        memset(block, 1, 1 << 20);
    }
}
