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

// Counts TSC ticks while PIT channel 2 counts down `kPitTicks` (8254 datasheet, mode 0;
// channel 2's gate and output are bits 0 and 5 of port 0x61).
uint64_t frequency_from_pit() {
    constexpr uint32_t kPitHz = 1193182;
    constexpr uint32_t kPitTicks = kPitHz / 500;  // 2 ms
    x86::outb(0x61, (x86::inb(0x61) & ~0x02) | 0x01);
    x86::outb(0x43, 0xB0);  // channel 2, lobyte/hibyte, mode 0, binary
    x86::outb(0x42, kPitTicks & 0xFF);
    x86::outb(0x42, kPitTicks >> 8);
    uint64_t start = x86::rdtsc();
    uint64_t limit = start + (1ull << 36);  // give up after ~20 s of ticks at 3 GHz
    while (!(x86::inb(0x61) & 0x20))
        if (x86::rdtsc() > limit) return 0;
    uint64_t ticks = x86::rdtsc() - start;
    return ticks * kPitHz / kPitTicks;
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

uint64_t monotonic_ns() { return tsc_ticks_to_ns(x86::rdtsc() - boot_tsc); }

}  // namespace ingot
