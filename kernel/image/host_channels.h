// How an Ingot guest talks to the host that runs it (`ingot run` and anything else).
//
// Every channel is an I/O port that QEMU offers on pc, q35 and microvm alike:
//   COM1 (16550 UART)           the program's stdout, byte for byte.
//   debugcon at kStderrPort     the program's stderr and every kernel message. Reading the port
//                               returns 0xE9 when the device is present; without it both go to COM1.
//   debugcon at kControlPort    one line when the guest ends: "status N\n" with N the status a Linux
//                               shell reports for the program (exit code, or 128+signal), or
//                               "panic\n" after a kernel panic.
//   isa-debug-exit at kExitPort power-off: QEMU exits with (value << 1) | 1. The kernel writes the
//                               low 7 bits of the status (kStatusPanic after a panic, so QEMU
//                               alone exits 251); the exact status travels on kControlPort.
#pragma once

#include <cstdint>

namespace ingot::image {

inline constexpr uint16_t kStderrPort = 0xE9;
inline constexpr uint16_t kControlPort = 0x4E9;
inline constexpr uint16_t kExitPort = 0xF4;
inline constexpr uint8_t kDebugconReadback = 0xE9;

// Exit statuses of `ingot run` itself, apart from the program's own status.
inline constexpr int kStatusUsage = 2;       // bad command line
inline constexpr int kStatusTimeout = 124;   // the guest ran past --timeout
inline constexpr int kStatusPanic = 125;     // the kernel panicked
inline constexpr int kStatusVmFailed = 126;  // QEMU failed, or the guest ended without a status

}  // namespace ingot::image
