// Sleeps for argv[1] seconds (default 1) and exits 0: a guest that stays up while the network
// tests talk to its kernel.
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
    struct timespec duration = {argc > 1 ? atoi(argv[1]) : 1, 0};
    return nanosleep(&duration, NULL) == 0 ? 0 : 1;
}
