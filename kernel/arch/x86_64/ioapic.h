// The I/O APIC (Intel 82093AA datasheet): routes interrupt input lines to local APIC vectors
// through its redirection table. QEMU's pc, q35 and microvm place the first one at
// 0xFEC00000 (GSIs 0-23); microvm with a second one ("ioapic2") puts it at 0xFEC10000 with
// the next 24 GSIs. Without ACPI's MADT those fixed addresses are assumed.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

enum class IoapicTrigger { Edge, Level };
enum class IoapicPolarity { ActiveHigh, ActiveLow };

// Sends input `gsi` to `vector` on the local APIC `destination_apic_id` (physical mode, fixed
// delivery), unmasked. EINVAL when no I/O APIC has that input.
Result<void> ioapic_route(uint32_t gsi, uint8_t vector, uint8_t destination_apic_id, IoapicTrigger trigger,
                          IoapicPolarity polarity);

// Masks input `gsi` (no effect when no I/O APIC has it).
void ioapic_mask(uint32_t gsi);

}  // namespace ingot
