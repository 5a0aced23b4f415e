#include <arch/x86_64/cpu.h>
#include <arch/x86_64/host_channels.h>
#include <drivers/console.h>
#include <lib/format.h>
#include <lib/panic.h>

#include <cstdarg>

namespace ingot {

// Prints "ingot: panic: <message>" on the kernel channel and powers off with the panic line,
// so the host reports a kernel failure instead of waiting on a dead guest.
[[noreturn]] void panic(const char* fmt, ...) {
    x86::cli();
    char line[320] = "ingot: panic: ";
    va_list args;
    va_start(args, fmt);
    size_t len = 14 + format_to(line + 14, sizeof(line) - 15, fmt, args);
    va_end(args);
    line[len++] = '\n';
    console_write(ConsoleStream::Stderr, line, len);
    host_power_off("panic\n");
}

}  // namespace ingot
