// abort() raises SIGABRT against the calling thread (glibc: rt_sigprocmask + tgkill); with no
// handler installed the program dies with status 128 + 6 = 134.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("calling abort()\n");
    fflush(stdout);
    abort();
}
