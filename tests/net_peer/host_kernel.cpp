// The kernel services the portable network code calls, for a Linux process: the real clocks,
// the process's own entropy, stderr as the console, and halting as sleeping. (The unit tests'
// fakes in tests/unit/fakes/ simulate time instead; this program needs the real clock.)
// Kernel headers come first, before the libc ones whose E* macros lib/errno.h sets aside.
#include <drivers/console.h>
#include <lib/clock.h>
#include <lib/panic.h>
#include <lib/random.h>
#include <mm/user_memory.h>
#include <proc/arch_thread.h>
#include <proc/event_loop.h>
#include <proc/process.h>

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace ingot {
namespace {

uint64_t read_clock(clockid_t id) {
    struct timespec now {};
    clock_gettime(id, &now);
    return static_cast<uint64_t>(now.tv_sec) * kNanosPerSecond + static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace

uint64_t monotonic_ns() { return read_clock(CLOCK_MONOTONIC); }
uint64_t realtime_ns() { return read_clock(CLOCK_REALTIME); }
uint64_t realtime_coarse_ns() { return read_clock(CLOCK_REALTIME_COARSE); }

void sleep_until(uint64_t deadline) {
    uint64_t now = monotonic_ns();
    if (deadline <= now) return;
    uint64_t wait = deadline - now;
    struct timespec duration {
        static_cast<time_t>(wait / kNanosPerSecond), static_cast<long>(wait % kNanosPerSecond)
    };
    nanosleep(&duration, nullptr);
}

// No interrupts reach a process: halting is sleeping until the deadline, at most a
// millisecond at a time so that callers re-poll their sources.
void halt_until(uint64_t deadline_ns) {
    uint64_t now = monotonic_ns();
    if (deadline_ns <= now) return;
    sleep_until(deadline_ns - now > 1'000'000 ? now + 1'000'000 : deadline_ns);
}

// One thread: the scheduler never has another to switch to, and exiting is the process's exit.
struct ArchThread {};
ArchThread* arch_boot_thread() {
    static ArchThread boot;
    return &boot;
}
void arch_switch_threads(Thread&, Thread&) { panic("ingot-net-peer runs one thread"); }
ArchThread* arch_create_idle_thread() { panic("ingot-net-peer runs one thread"); }
void arch_enter_thread(Thread&) { panic("ingot-net-peer runs one thread"); }
void arch_destroy_thread(ArchThread*) {}
[[noreturn]] void exit_program(int shell_status) { std::exit(shell_status); }

void fill_random(void* dst, size_t len) {
    auto* out = static_cast<unsigned char*>(dst);
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n <= 0) std::abort();  // never fails for a few bytes once the pool is initialised
        out += n;
        len -= static_cast<size_t>(n);
    }
}

void console_write(ConsoleStream, const char* data, size_t len) { (void)!write(STDERR_FILENO, data, len); }

// This process has no program and so no user address space: the stack is only given kernel
// buffers (spans), and any user access would be a bug.
Result<void> copy_from_user(void*, uint64_t, size_t) { return Errno::EFAULT; }
Result<void> copy_to_user(uint64_t, const void*, size_t) { return Errno::EFAULT; }
Result<void> clear_user(uint64_t, size_t) { return Errno::EFAULT; }

[[noreturn]] void panic(const char* fmt, ...) {
    std::fputs("ingot: panic: ", stderr);
    va_list args;
    va_start(args, fmt);
    std::vfprintf(stderr, fmt, args);
    va_end(args);
    std::fputc('\n', stderr);
    std::abort();
}

}  // namespace ingot
