// Host stand-in for the kernel's panic(): print the message and abort, so tests can check a
// broken invariant with EXPECT_DEATH(..., "message").
#include <lib/panic.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace ingot {

[[noreturn]] void panic(const char* fmt, ...) {
    std::fputs("ingot: panic: ", stderr);
    va_list args;
    va_start(args, fmt);
    std::vfprintf(stderr, fmt, args);
    va_end(args);
    std::fputc('\n', stderr);
    std::fflush(stderr);
    std::abort();
}

}  // namespace ingot
