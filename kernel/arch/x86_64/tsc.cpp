// The time-stamp counter as the kernel's clock (DESIGN rule 11): its frequency is found once,
// on first use, from CPUID when the processor or hypervisor states it, else by counting TSC
// ticks across a PIT interval. Reading the clock afterwards needs no exit.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/tsc.h>
#include <lib/log.h>

extern "C" uint64_t boot_tsc;

namespace ingot {
namespace {

uint64_t tsc_hz = 0;
uint64_t ns_per_tick_q32 = 0;  // nanoseconds per tick, 32.32 fixed point

uint64_t frequency_from_cpuid() {
    uint32_t max_leaf = x86::cpuid(0).eax;
    if (max_leaf >= 0x15) {
        // Leaf 0x15: TSC = crystal (ECX Hz) * EBX / EAX (Intel SDM Vol. 3B §18.7.3).
        auto r = x86::cpuid(0x15);
        if (r.eax && r.ebx && r.ecx) return uint64_t(r.ecx) * r.ebx / r.eax;
    }
    if (x86::cpuid(1).ecx & (1u << 31)) {
        // Hypervisor timing leaf 0x40000010: EAX = TSC kHz (QEMU/KVM, VMware).
        if (x86::cpuid(0x40000000).eax >= 0x40000010) {
            uint32_t khz = x86::cpuid(0x40000010).eax;
            if (khz) return uint64_t(khz) * 1000;
        }
    }
    if (max_leaf >= 0x16) {
        uint32_t mhz = x86::cpuid(0x16).eax & 0xFFFF;  // processor base frequency
        if (mhz) return uint64_t(mhz) * 1'000'000;
    }
    return 0;
}

// PIT channel 0's current count, through the counter-latch command (8254 datasheet).
uint16_t read_pit_counter() {
    x86::outb(0x43, 0x00);
    uint8_t low = x86::inb(0x40);
    uint8_t high = x86::inb(0x40);
    return static_cast<uint16_t>(low | (high << 8));
}

// Counts TSC ticks while PIT channel 0 (1.193182 MHz) counts down 2 ms. Reading the counter
// itself, rather than channel 2's output on port 0x61, also works on machines without the
// PC speaker port (QEMU microvm). Returns 0 when no PIT answers.
uint64_t frequency_from_pit() {
    constexpr uint32_t kPitHz = 1193182;
    constexpr uint32_t kWindowTicks = kPitHz / 500;
    x86::outb(0x43, 0x34);  // channel 0, lobyte/hibyte, mode 2 (rate generator), binary
    x86::outb(0x40, 0);     // reload value 0 = 65536, so differences wrap naturally mod 2^16
    x86::outb(0x40, 0);
    uint64_t give_up = x86::rdtsc() + (1ull << 32);
    uint16_t last = read_pit_counter();
    while (read_pit_counter() == last)  // wait for the first tick so the window starts on one
        if (x86::rdtsc() > give_up) return 0;
    last = read_pit_counter();
    uint64_t start = x86::rdtsc();
    uint32_t elapsed = 0;
    while (elapsed < kWindowTicks) {
        uint16_t now = read_pit_counter();
        elapsed += static_cast<uint16_t>(last - now);
        last = now;
        if (x86::rdtsc() > give_up) return 0;
    }
    return (x86::rdtsc() - start) * kPitHz / elapsed;
}

void calibrate() {
    tsc_hz = frequency_from_cpuid();
    const char* source = "cpuid";
    if (!tsc_hz) {
        tsc_hz = frequency_from_pit();
        source = "pit";
    }
    if (tsc_hz < 1'000'000) {
        log_error("cannot measure the TSC frequency; assuming 1 GHz");
        tsc_hz = 1'000'000'000;
    }
    ns_per_tick_q32 = (kNanosPerSecondQ32) / tsc_hz;
    log_debug("clock: TSC %lu kHz (%s)", tsc_hz / 1000, source);
}

}  // namespace

bool tsc_calibrated() { return tsc_hz != 0; }

uint64_t tsc_frequency() {
    if (!tsc_hz) calibrate();
    return tsc_hz;
}

uint64_t tsc_ticks_to_ns(uint64_t ticks) {
    if (!tsc_hz) calibrate();
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * ns_per_tick_q32) >> 32);
}

uint64_t ns_to_tsc_ticks(uint64_t ns) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ns) * tsc_frequency() / kNanosPerSecond);
}

uint64_t tsc_at_boot() { return boot_tsc; }

uint64_t tsc_ns_per_tick_q32() {
    if (!tsc_hz) calibrate();
    return ns_per_tick_q32;
}

uint64_t monotonic_ns() { return tsc_ticks_to_ns(x86::rdtsc() - boot_tsc); }

}  // namespace ingot
