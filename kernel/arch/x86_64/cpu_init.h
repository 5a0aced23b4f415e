#pragma once

#include <cstdint>

namespace ingot {

struct CpuFeatures {
    bool xsave, rdrand, rdseed, tsc_deadline, x2apic, hypervisor, smep, smap, umip;
    uint64_t xcr0;
    uint32_t fpu_state_size;  // bytes XSAVE needs for the enabled state (512 without XSAVE)
};

// The per-CPU block GS points at while the kernel runs (DESIGN rule 2); syscall_entry.S
// knows the first offsets.
struct PerCpu {
    PerCpu* self;               // 0
    uint64_t kernel_stack_top;  // 8: loaded on SYSCALL entry
    uint64_t user_rsp;          // 16: scratch for the program's rsp during entry
    uint32_t index;             // 24: the CPU's number (proc/cpus.h)
    uint32_t apic_id;
    // The local APIC timer (apic.cpp): the TSC value it is armed for, 0 when not armed or
    // fired, and whether its LVT entry was switched to TSC-deadline mode.
    uint64_t armed_tsc_deadline;
    bool lvt_in_tsc_deadline_mode;
    uint64_t loaded_page_table;  // CR3 (page_table.cpp), read by other CPUs' TLB shootdowns
};
static_assert(__builtin_offsetof(PerCpu, kernel_stack_top) == 8 && __builtin_offsetof(PerCpu, user_rsp) == 16);

// Makes GS point at CPU `index`'s block, then enables FPU/SSE/AVX state, SMEP/SMAP/UMIP when
// offered, and the SYSCALL MSRs. The boot CPU (index 0) calls it first, as it also learns the
// CPU's features for all.
void cpu_init(unsigned index);
const CpuFeatures& cpu_features();
// CPU `index`'s block, for other CPUs to look at.
PerCpu& cpu_block(unsigned index);

inline PerCpu& this_cpu() {
    PerCpu* block;
    asm("mov %%gs:0, %0" : "=r"(block));  // not volatile: the block of a CPU never moves
    return *block;
}

}  // namespace ingot
