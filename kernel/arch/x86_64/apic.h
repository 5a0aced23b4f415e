#pragma once

#include <cstdint>

namespace ingot {

// Masks the legacy PICs, enables the local APIC and maps its registers.
void apic_init();
void apic_end_of_interrupt();
// Arms the one-shot timer to interrupt at (or somewhat before) the given TSC value.
void apic_timer_fire_at(uint64_t tsc_deadline);

}  // namespace ingot
