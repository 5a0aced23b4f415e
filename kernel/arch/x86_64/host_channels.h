// The kernel's side of image/host_channels.h.
#pragma once

#include <cstdint>

namespace ingot {

// Detects the debugcon channels and initialises COM1. Call before the first message.
void host_channels_init();

// Reports the program's shell-style status to the host and powers the machine off.
[[noreturn]] void host_exit(int status);

// Sends one control line ("status N\n" or "panic\n") and powers off, handing
// exit_port_value's low 7 bits to isa-debug-exit for hosts that only see QEMU's exit status.
[[noreturn]] void host_power_off(const char* control_line, uint32_t exit_port_value);

}  // namespace ingot
