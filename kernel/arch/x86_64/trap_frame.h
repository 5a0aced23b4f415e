// The register state saved on every entry into the kernel: by the interrupt/exception stubs
// (traps.S) and by the syscall entry (syscall_entry.S), which builds the same layout.
#pragma once

#include <cstdint>

namespace ingot {

struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    // Pushed by the CPU (Intel SDM Vol. 3A §6.14.2, 64-bit interrupt stack frame).
    uint64_t rip, cs, rflags, rsp, ss;

    bool from_user() const { return (cs & 3) == 3; }
};
static_assert(sizeof(TrapFrame) == 22 * 8, "traps.S and syscall_entry.S depend on this layout");

// Segment selectors (gdt.cpp). The order user-data-then-user-code is what SYSRET requires.
inline constexpr uint16_t kKernelCode = 0x08;
inline constexpr uint16_t kKernelData = 0x10;
inline constexpr uint16_t kUserData = 0x20 | 3;
inline constexpr uint16_t kUserCode = 0x28 | 3;
inline constexpr uint16_t kTss = 0x30;

}  // namespace ingot
