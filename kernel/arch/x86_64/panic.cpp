#include <arch/x86_64/cpu.h>
#include <arch/x86_64/host_channels.h>
#include <image/host_channels.h>
#include <lib/log.h>
#include <lib/panic.h>

#include <cstdarg>

namespace ingot {

// Prints "ingot: panic: <message>" on the kernel channel and powers off with the panic line,
// so the host reports a kernel failure instead of waiting on a dead guest.
[[noreturn]] void panic(const char* fmt, ...) {
    x86::cli();
    va_list args;
    va_start(args, fmt);
    log_line("panic: ", fmt, args);
    va_end(args);
    host_power_off("panic\n", image::kStatusPanic);
}

}  // namespace ingot
