#pragma once

#include <cstdint>

namespace ingot {

// Masks the legacy PICs, maps the local APIC's registers and enables the boot CPU's.
void apic_init();
// Enables this CPU's local APIC (a secondary CPU's, after apic_init on the boot CPU).
void apic_init_this_cpu();
void apic_end_of_interrupt();

// Interprocessor interrupts (Intel SDM Vol. 3A §11.6): a fixed interrupt at `vector`, and the
// INIT and start-up messages that start a CPU at the real-mode page `start_page_phys`.
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_init(uint32_t apic_id);
void apic_send_startup(uint32_t apic_id, uint64_t start_page_phys);
// Arms the one-shot timer to interrupt at (or somewhat before) the given TSC value.
void apic_timer_fire_at(uint64_t tsc_deadline);
// The TSC value the timer is armed for, or 0 when it is not armed (or already fired).
uint64_t apic_timer_armed_deadline();
// Called from the timer interrupt.
void apic_timer_fired();

}  // namespace ingot
