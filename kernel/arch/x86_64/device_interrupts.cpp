// Device interrupts on x86-64: vectors from the device range of the IDT (idt.h), MSI
// messages for the local APIC (Intel SDM Vol. 3A §11.11) and I/O APIC routing for lines.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/ioapic.h>
#include <drivers/device_interrupts.h>

namespace ingot {
namespace {

unsigned next_free_vector = kFirstDeviceVector;

void ignore_interrupt(void*) {}

// The boot CPU's initial APIC ID (CPUID leaf 1, EBX bits 31:24): every device interrupt goes
// there. Another CPU would only wait for the kernel lock to handle it.
uint8_t boot_apic_id() { return static_cast<uint8_t>(x86::cpuid(1).ebx >> 24); }

}  // namespace

Result<uint8_t> allocate_interrupt_vector(InterruptHandler handler, void* context) {
    if (next_free_vector > kLastDeviceVector) return Errno::ENOSPC;
    auto vector = static_cast<uint8_t>(next_free_vector++);
    register_interrupt_handler(vector, handler, context);
    return vector;
}

void release_interrupt_vector(uint8_t vector) { register_interrupt_handler(vector, ignore_interrupt, nullptr); }

MsiMessage msi_message_for_vector(uint8_t vector) {
    // §11.11.1: address 0xFEE in bits 31:20, destination APIC ID in 19:12, redirection hint
    // and destination mode 0 (physical). §11.11.2: data is the vector, fixed delivery, edge.
    return {0xFEE0'0000u | (uint64_t{boot_apic_id()} << 12), vector};
}

Result<void> route_interrupt_line(uint32_t gsi, uint8_t vector) {
    return ioapic_route(gsi, vector, boot_apic_id(), IoapicTrigger::Level, IoapicPolarity::ActiveHigh);
}

}  // namespace ingot
