// Global descriptor table and task-state segment (Intel SDM Vol. 3A §3.4.5, §8.7).
// Long mode ignores segment bases and limits except for FS/GS; the TSS provides the stack the
// CPU switches to on an interrupt from ring 3 (RSP0) and the interrupt stacks (IST).
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap_frame.h>
#include <lib/panic.h>
#include <proc/cpus.h>

#include <cstdint>
#include <new>

namespace ingot {
namespace {

struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

constexpr uint64_t kSegments[6] = {
    0,
    0x00af9a000000ffff,  // 0x08 kernel code, 64-bit
    0x00cf92000000ffff,  // 0x10 kernel data
    0x00cffa000000ffff,  // 0x18 user code, 32-bit (unused; keeps the SYSRET layout)
    0x00cff2000000ffff,  // 0x20 user data
    0x00affa000000ffff,  // 0x28 user code, 64-bit
};

// Each CPU has a TSS of its own (its RSP0 follows its thread), so a GDT of its own as well:
// loading a TSS marks its descriptor busy (Intel SDM Vol. 3A §8.2.2).
struct CpuDescriptors {
    alignas(16) Tss tss;
    alignas(16) uint64_t gdt[8];  // kSegments, then the TSS at 0x30 (16-byte system descriptor)
    alignas(16) uint8_t double_fault_stack[8192];
};
CpuDescriptors boot_cpu_descriptors;
CpuDescriptors* cpu_descriptors[kMaxCpus] = {&boot_cpu_descriptors};

}  // namespace

void gdt_init(unsigned cpu) {
    if (!cpu_descriptors[cpu]) {
        cpu_descriptors[cpu] = new (std::nothrow) CpuDescriptors{};
        if (!cpu_descriptors[cpu]) panic("out of memory for CPU %u's descriptor tables", cpu);
    }
    CpuDescriptors& d = *cpu_descriptors[cpu];
    Tss& tss = d.tss;
    uint64_t* gdt = d.gdt;
    for (int i = 0; i < 6; ++i) gdt[i] = kSegments[i];
    tss.iomap_base = sizeof(Tss);  // no I/O permission bitmap: ring 3 has no port access
    tss.ist[kDoubleFaultIst - 1] = reinterpret_cast<uint64_t>(d.double_fault_stack + sizeof(d.double_fault_stack));
    uint64_t base = reinterpret_cast<uint64_t>(&tss);
    uint64_t limit = sizeof(Tss) - 1;
    gdt[6] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |  // present, 64-bit TSS
             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[7] = base >> 32;

    DescriptorPointer pointer{sizeof(d.gdt) - 1, reinterpret_cast<uint64_t>(gdt)};
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "mov %2, %%ds\n"
        "mov %2, %%es\n"
        "mov %2, %%ss\n"
        "ltr %w3\n"
        :
        : "m"(pointer), "i"(kKernelCode), "r"(static_cast<uint64_t>(kKernelData)), "r"(kTss)
        : "rax", "memory");
}

void tss_set_kernel_stack(uint64_t top) { cpu_descriptors[this_cpu().index]->tss.rsp[0] = top; }

}  // namespace ingot
