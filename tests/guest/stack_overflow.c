// Recurses without bound until the stack runs into its guard page. The kernel must deliver
// SIGSEGV (status 139) instead of growing into other memory or hanging.
#include <stdio.h>
#include <string.h>

// Never reached in practice; read through volatile so the compiler cannot prove the
// recursion infinite and replace it with a trap.
static volatile unsigned long depth_limit = ~0UL;

// Not a tail call and not foldable: every frame keeps a live buffer.
__attribute__((noinline)) static unsigned long recurse(unsigned long depth) {
    volatile char frame[256];
    memset((char*)frame, (int)depth, sizeof frame);
    if (depth == depth_limit) return 0;
    return recurse(depth + 1) + frame[depth % sizeof frame];
}

int main(void) {
    printf("recursing until the stack overflows\n");
    fflush(stdout);
    unsigned long result = recurse(0);
    printf("unreachable: %lu\n", result);
    return 0;
}
