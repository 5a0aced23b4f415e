// The local APIC timer, one-shot, for sleeping (Intel SDM Vol. 3A §11.5.4). The legacy 8259
// PICs are remapped away from the exception vectors and masked: every interrupt the kernel
// wants comes through the local APIC.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/page_table_mmio.h>
#include <arch/x86_64/tsc.h>
#include <lib/log.h>
#include <proc/event_loop.h>

namespace ingot {
namespace {

// Local APIC register offsets (Intel SDM Vol. 3A table 11-1).
constexpr uint32_t kEoi = 0xB0, kSpuriousVector = 0xF0, kLvtTimer = 0x320, kInitialCount = 0x380,
                   kCurrentCount = 0x390, kDivideConfig = 0x3E0;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kLvtTscDeadline = 2u << 17;

volatile uint32_t* apic = nullptr;
uint64_t apic_timer_hz = 0;
uint64_t armed_tsc_deadline = 0;  // 0: nothing armed, or it fired
bool lvt_in_tsc_deadline_mode = false;  // the LVT timer entry was set to TSC-deadline mode

uint32_t read(uint32_t reg) { return apic[reg / 4]; }
void write(uint32_t reg, uint32_t value) { apic[reg / 4] = value; }

void mask_legacy_pics() {
    // ICW1-ICW4: vectors 0xE0-0xEF, cascade on IRQ2, 8086 mode; then mask every line.
    constexpr uint8_t kIcw1 = 0x11;
    x86::outb(0x20, kIcw1);
    x86::outb(0xA0, kIcw1);
    x86::outb(0x21, 0xE0);
    x86::outb(0xA1, 0xE8);
    x86::outb(0x21, 4);
    x86::outb(0xA1, 2);
    x86::outb(0x21, 1);
    x86::outb(0xA1, 1);
    x86::outb(0x21, 0xFF);
    x86::outb(0xA1, 0xFF);
}

// Ticks of the APIC timer (divide by 1) per second, measured against the TSC over about 1 ms.
// Register accesses can stall (a hypervisor may serialise them with its device emulation), so
// the TSC brackets both of them: the estimate can only come out low, which makes a sleep wake
// early and re-arm, never late.
uint64_t measure_apic_timer() {
    write(kLvtTimer, kLvtMasked | kVectorTimer);
    uint64_t window = tsc_frequency() / 1000;
    uint64_t start = x86::rdtsc();
    write(kInitialCount, 0xFFFFFFFF);
    while (x86::rdtsc() - start < window) x86::pause();
    uint32_t elapsed = 0xFFFFFFFF - read(kCurrentCount);
    uint64_t end = x86::rdtsc();
    write(kInitialCount, 0);
    return static_cast<uint64_t>(static_cast<unsigned __int128>(elapsed) * tsc_frequency() / (end - start));
}

}  // namespace

void apic_init() {
    mask_legacy_pics();
    uint64_t base = x86::rdmsr(x86::kMsrApicBase);
    x86::wrmsr(x86::kMsrApicBase, base | (1u << 11));  // global enable
    apic = static_cast<volatile uint32_t*>(map_mmio(base & ~0xFFFull, 4096));
    write(kSpuriousVector, 0x100 | kVectorSpurious);  // software enable
    write(kDivideConfig, 0xB);                        // divide by 1
    write(kLvtTimer, kLvtMasked | kVectorTimer);
}

void apic_end_of_interrupt() { write(kEoi, 0); }

uint64_t apic_timer_armed_deadline() { return armed_tsc_deadline; }
void apic_timer_fired() { armed_tsc_deadline = 0; }

void apic_timer_fire_at(uint64_t tsc_deadline) {
    armed_tsc_deadline = tsc_deadline;
    if (cpu_features().tsc_deadline) {
        // The LVT stays in TSC-deadline mode once set (Intel SDM Vol. 3A §11.5.4.1): only the
        // MSR is written per deadline. An LVT write is an exit to the hypervisor's APIC each
        // time, and this runs after most system calls.
        if (!lvt_in_tsc_deadline_mode) {
            write(kLvtTimer, kLvtTscDeadline | kVectorTimer);
            lvt_in_tsc_deadline_mode = true;
        }
        x86::wrmsr(x86::kMsrTscDeadline, tsc_deadline);
        return;
    }
    if (!apic_timer_hz) {
        apic_timer_hz = measure_apic_timer();
        log_debug("clock: APIC timer %lu kHz", apic_timer_hz / 1000);
    }
    uint64_t now = x86::rdtsc();
    uint64_t ticks = tsc_deadline > now ? tsc_deadline - now : 1;
    uint64_t count = static_cast<uint64_t>(static_cast<unsigned __int128>(ticks) * apic_timer_hz / tsc_frequency());
    if (count == 0) count = 1;
    if (count > 0xFFFFFFFF) count = 0xFFFFFFFF;  // wakes early; the sleeper re-arms
    write(kLvtTimer, kVectorTimer);              // one-shot
    write(kInitialCount, static_cast<uint32_t>(count));
}

void halt_until(uint64_t monotonic_deadline_ns) {
    constexpr uint64_t kFarFuture = 1ull << 62;  // ~146 years: no timer needed
    if (monotonic_deadline_ns < kFarFuture) {
        uint64_t deadline_tsc = tsc_at_boot() + ns_to_tsc_ticks(monotonic_deadline_ns);
        if (x86::rdtsc() >= deadline_tsc) return;
        apic_timer_fire_at(deadline_tsc);
    }
    // sti takes effect after the next instruction, so no interrupt slips in before hlt.
    asm volatile("sti; hlt; cli" ::: "memory");
}

// Sleeping lets the event sources (network devices, protocol timers) keep running.
void sleep_until(uint64_t monotonic_deadline_ns) {
    (void)wait_until_uninterruptible([] { return false; }, monotonic_deadline_ns);
}

}  // namespace ingot
