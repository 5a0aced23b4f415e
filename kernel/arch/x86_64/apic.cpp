// The local APIC timer, one-shot, for sleeping (Intel SDM Vol. 3A §11.5.4). The legacy 8259
// PICs are remapped away from the exception vectors and masked: every interrupt the kernel
// wants comes through the local APIC.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/page_table_mmio.h>
#include <arch/x86_64/tsc.h>
#include <lib/log.h>
#include <proc/event_loop.h>

namespace ingot {
namespace {

// Local APIC register offsets (Intel SDM Vol. 3A table 11-1).
constexpr uint32_t kEoi = 0xB0, kSpuriousVector = 0xF0, kInterruptCommandLow = 0x300,
                   kInterruptCommandHigh = 0x310, kLvtTimer = 0x320, kInitialCount = 0x380,
                   kCurrentCount = 0x390, kDivideConfig = 0x3E0;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kLvtTscDeadline = 2u << 17;
// Interrupt command register bits (Intel SDM Vol. 3A §11.6.1).
constexpr uint32_t kIcrDeliveryPending = 1u << 12, kIcrAssert = 1u << 14, kIcrLevelTriggered = 1u << 15, kIcrInit = 5u << 8,
                   kIcrStartup = 6u << 8;

// Every CPU's local APIC answers at the same address; each CPU reaches its own there.
volatile uint32_t* apic = nullptr;
uint64_t apic_timer_hz = 0;

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
    apic = static_cast<volatile uint32_t*>(map_mmio(base & ~0xFFFull, 4096));
    apic_init_this_cpu();
}

void apic_init_this_cpu() {
    x86::wrmsr(x86::kMsrApicBase, x86::rdmsr(x86::kMsrApicBase) | (1u << 11));  // global enable
    write(kSpuriousVector, 0x100 | kVectorSpurious);  // software enable
    write(kDivideConfig, 0xB);                        // divide by 1
    write(kLvtTimer, kLvtMasked | kVectorTimer);
}

void apic_end_of_interrupt() { write(kEoi, 0); }

namespace {

// Intel SDM Vol. 3A §11.6.1: the high half (destination) first; writing the low half sends.
// The previous command must have left first.
void send_interrupt_command(uint32_t apic_id, uint32_t command) {
    while (read(kInterruptCommandLow) & kIcrDeliveryPending) x86::pause();
    write(kInterruptCommandHigh, apic_id << 24);
    write(kInterruptCommandLow, command);
}

}  // namespace

void apic_send_ipi(uint32_t apic_id, uint8_t vector) { send_interrupt_command(apic_id, kIcrAssert | vector); }

void apic_send_init(uint32_t apic_id) { send_interrupt_command(apic_id, kIcrLevelTriggered | kIcrAssert | kIcrInit); }

void apic_send_startup(uint32_t apic_id, uint64_t start_page_phys) {
    send_interrupt_command(apic_id, kIcrStartup | static_cast<uint32_t>(start_page_phys >> 12));
}

uint64_t apic_timer_armed_deadline() { return this_cpu().armed_tsc_deadline; }
void apic_timer_fired() { this_cpu().armed_tsc_deadline = 0; }

void apic_timer_fire_at(uint64_t tsc_deadline) {
    PerCpu& cpu = this_cpu();
    cpu.armed_tsc_deadline = tsc_deadline;
    if (cpu_features().tsc_deadline) {
        // The LVT stays in TSC-deadline mode once set (Intel SDM Vol. 3A §11.5.4.1): only the
        // MSR is written per deadline. An LVT write is an exit to the hypervisor's APIC each
        // time, and this runs after most system calls.
        if (!cpu.lvt_in_tsc_deadline_mode) {
            write(kLvtTimer, kLvtTscDeadline | kVectorTimer);
            cpu.lvt_in_tsc_deadline_mode = true;
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
    // Other CPUs may run the kernel while this one halts. sti takes effect after the next
    // instruction, so no interrupt (a kick sent once the lock went) slips in before hlt.
    kernel_lock_release();
    asm volatile("sti; hlt; cli" ::: "memory");
    kernel_lock_acquire();
}

// Sleeping lets the event sources (network devices, protocol timers) keep running.
void sleep_until(uint64_t monotonic_deadline_ns) {
    (void)wait_until_uninterruptible([] { return false; }, monotonic_deadline_ns);
}

}  // namespace ingot
