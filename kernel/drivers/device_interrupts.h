// How device drivers get interrupts, whatever the architecture: a CPU vector with a handler,
// and the ways a device's signal reaches that vector (an MSI/MSI-X message, or an interrupt
// controller input). Implemented by the architecture (arch/x86_64/device_interrupts.cpp).
//
// Handlers run with interrupts disabled, on whatever stack was current; they should only
// acknowledge the device and leave the real work to the code that polls it.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

using InterruptHandler = void (*)(void* context);

// Picks an unused CPU vector and calls handler(context) on each interrupt there; the kernel
// signals end of interrupt afterwards. ENOSPC when every device vector is taken.
Result<uint8_t> allocate_interrupt_vector(InterruptHandler handler, void* context);

// Detaches the handler from a vector allocate_interrupt_vector returned: later interrupts
// there are acknowledged and ignored (the vector is not reused).
void release_interrupt_vector(uint8_t vector);

// The message a PCI function writes to raise `vector` on the boot CPU (MSI and MSI-X).
struct MsiMessage {
    uint64_t address;
    uint32_t data;
};
MsiMessage msi_message_for_vector(uint8_t vector);

// Connects interrupt line `gsi` (a global system interrupt number) to `vector`,
// level-triggered and active high, as virtio-mmio devices signal. EINVAL when no interrupt
// controller has that input.
Result<void> route_interrupt_line(uint32_t gsi, uint8_t vector);

}  // namespace ingot
