// Facts about the processor that the program's start-up needs (auxv), from the architecture.
#pragma once

#include <cstdint>

namespace ingot {

uint64_t cpu_hwcap();             // AT_HWCAP: CPUID.1:EDX on x86-64
uint64_t cpu_hwcap2();            // AT_HWCAP2
uint64_t signal_stack_min_size(); // AT_MINSIGSTKSZ: a signal frame with the full FPU state

}  // namespace ingot
