// The smallest guest: one line on stdout, exit status 0.
// Built twice, as a static musl binary and as a static-pie glibc binary, so that both loader
// paths (ET_EXEC at its link address, ET_DYN at a random base) are exercised.
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
