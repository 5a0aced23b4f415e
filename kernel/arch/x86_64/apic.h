#pragma once

#include <cstdint>

namespace ingot {

// Masks the legacy PICs, enables the local APIC and maps its registers.
void apic_init();
void apic_end_of_interrupt();
// Arms the one-shot timer to interrupt at (or somewhat before) the given TSC value.
void apic_timer_fire_at(uint64_t tsc_deadline);
// The TSC value the timer is armed for, or 0 when it is not armed (or already fired).
uint64_t apic_timer_armed_deadline();
// Called from the timer interrupt.
void apic_timer_fired();

}  // namespace ingot
