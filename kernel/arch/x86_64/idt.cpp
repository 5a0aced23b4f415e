// Interrupt descriptor table (Intel SDM Vol. 3A §6.14.1): every vector points at its stub in
// traps.S; the double fault runs on its own IST stack so a kernel stack overflow still reports.
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/trap_frame.h>

#include <cstdint>

// traps.S: the 32 exception stubs of 16 bytes each, vector 0 first, then the 224 interrupt
// stubs of 8 bytes each, vector 32 first.
extern "C" const char trap_stubs[];
extern "C" const char irq_stubs[];

namespace ingot {
namespace {

struct [[gnu::packed]] IdtGate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

alignas(16) IdtGate idt[256];

}  // namespace

void idt_init() {
    for (int vector = 0; vector < 256; ++vector) {
        uint64_t handler = vector < 32 ? reinterpret_cast<uint64_t>(trap_stubs) + 16 * static_cast<uint64_t>(vector)
                                       : reinterpret_cast<uint64_t>(irq_stubs) + 8 * static_cast<uint64_t>(vector - 32);
        IdtGate& gate = idt[vector];
        gate.offset_low = handler & 0xFFFF;
        gate.selector = kKernelCode;
        gate.ist = vector == kVectorDoubleFault ? kDoubleFaultIst : 0;
        // Present, DPL 0, 64-bit interrupt gate (IF cleared on entry). Breakpoint is reachable
        // from ring 3 (int3) so that it reports as SIGTRAP rather than #GP.
        gate.type_attributes = vector == kVectorBreakpoint ? 0xEE : 0x8E;
        gate.offset_mid = (handler >> 16) & 0xFFFF;
        gate.offset_high = handler >> 32;
    }
    idt_load();
}

void idt_load() {
    struct [[gnu::packed]] {
        uint16_t limit;
        uint64_t base;
    } pointer{sizeof(idt) - 1, reinterpret_cast<uint64_t>(idt)};
    asm volatile("lidt %0" ::"m"(pointer));
}

}  // namespace ingot
