// Prints the host's TSC frequency in kHz, measured against CLOCK_MONOTONIC over 200 ms.
// Under TCG, QEMU's guest TSC runs at the host's TSC rate, and a loaded host makes Linux's own
// PIT calibration fail on microvm (which has no HPET or ACPI PM timer to fall back to); the
// benchmark then hands the rate to Linux with tsc_early_khz= instead.
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(void) {
    double start_time = now_seconds();
    uint64_t start_tsc = __rdtsc();
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    uint64_t end_tsc = __rdtsc();
    double end_time = now_seconds();
    printf("%.0f\n", (double)(end_tsc - start_tsc) / (end_time - start_time) / 1000.0);
    return 0;
}
