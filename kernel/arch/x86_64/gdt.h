#pragma once

#include <cstdint>

namespace ingot {

inline constexpr int kDoubleFaultIst = 1;

// Loads CPU `cpu`'s GDT and TSS (made on first use); segment registers are reloaded.
void gdt_init(unsigned cpu);

// The stack the CPU switches to when an interrupt arrives while ring 3 runs (TSS.RSP0).
void tss_set_kernel_stack(uint64_t top);

}  // namespace ingot
