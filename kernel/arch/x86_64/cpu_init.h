#pragma once

#include <cstdint>

namespace ingot {

struct CpuFeatures {
    bool xsave, rdrand, rdseed, tsc_deadline, x2apic, hypervisor, smep, smap, umip;
    uint64_t xcr0;
    uint32_t fpu_state_size;  // bytes XSAVE needs for the enabled state (512 without XSAVE)
};

// The per-CPU block GS points at while the kernel runs; syscall_entry.S knows the offsets.
struct PerCpu {
    PerCpu* self;               // 0
    uint64_t kernel_stack_top;  // 8: loaded on SYSCALL entry
    uint64_t user_rsp;          // 16: scratch for the program's rsp during entry
};
static_assert(__builtin_offsetof(PerCpu, kernel_stack_top) == 8 && __builtin_offsetof(PerCpu, user_rsp) == 16);

// Enables FPU/SSE/AVX state, SMEP/SMAP/UMIP when offered, and the SYSCALL MSRs.
void cpu_init();
const CpuFeatures& cpu_features();
PerCpu& this_cpu();

}  // namespace ingot
