// Console and power-off over the host channels described in image/host_channels.h.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/host_channels.h>
#include <drivers/console.h>
#include <arch/x86_64/uart16550.h>
#include <image/host_channels.h>
#include <lib/format.h>

namespace ingot {
namespace {

constinit Uart16550 com1(0x3F8);
bool have_debugcon = false;

void debugcon_write(uint16_t port, const char* data, size_t len) {
    // `rep outsb` hands the whole buffer to the device in one go (one exit per byte under
    // KVM, but far fewer instructions than a loop under TCG).
    asm volatile("rep outsb" : "+S"(data), "+c"(len) : "d"(port) : "memory");
}

}  // namespace

void host_channels_init() {
    com1.init();
    have_debugcon = x86::inb(image::kStderrPort) == image::kDebugconReadback;
}

void console_write(ConsoleStream stream, const char* data, size_t len) {
    if (stream == ConsoleStream::Stderr && have_debugcon) {
        debugcon_write(image::kStderrPort, data, len);
        return;
    }
    com1.write(data, len);
}

[[noreturn]] void host_power_off(const char* control_line, uint32_t exit_port_value) {
    if (have_debugcon) debugcon_write(image::kControlPort, control_line, __builtin_strlen(control_line));
    com1.flush();
    // isa-debug-exit: QEMU exits with (value << 1) | 1.
    x86::outl(image::kExitPort, exit_port_value & 0x7F);
    for (;;) {
        x86::cli();
        x86::halt();
    }
}

[[noreturn]] void host_exit(int status) {
    char line[32];
    format_to(line, sizeof(line), "status %d\n", status);
    host_power_off(line, static_cast<uint32_t>(status));
}

}  // namespace ingot
