#pragma once

#include <cstdint>

namespace ingot {

// Exception vectors (Intel SDM Vol. 3A table 6-1) and the kernel's interrupt vectors.
enum : int {
    kVectorDivideError = 0,
    kVectorDebug = 1,
    kVectorBreakpoint = 3,
    kVectorOverflow = 4,
    kVectorBoundRange = 5,
    kVectorInvalidOpcode = 6,
    kVectorDeviceNotAvailable = 7,
    kVectorDoubleFault = 8,
    kVectorGeneralProtection = 13,
    kVectorPageFault = 14,
    kVectorX87Fpu = 16,
    kVectorAlignmentCheck = 17,
    kVectorSimd = 19,
    kVectorTimer = 32,
    kFirstDeviceVector = 48,  // vectors for device interrupts (register_interrupt_handler)
    kLastDeviceVector = 223,  // 0xE0-0xEF stay with the remapped legacy PICs
    kVectorKick = 0xF1,       // another CPU wants this one to look at the scheduler (smp.cpp)
    kVectorTlbFlush = 0xF2,   // another CPU changed a page table this one uses (tlb_shootdown.cpp)
    kVectorSpurious = 255,
};

// Fills the IDT (once, on the boot CPU) and loads it.
void idt_init();
// Loads the IDT on a secondary CPU.
void idt_load();

// Calls handler(context) on each interrupt at `vector` (kFirstDeviceVector to
// kLastDeviceVector), then signals end of interrupt to the local APIC. A later call for the
// same vector replaces the handler. Panics for a vector outside that range.
void register_interrupt_handler(uint8_t vector, void (*handler)(void* context), void* context);

}  // namespace ingot
