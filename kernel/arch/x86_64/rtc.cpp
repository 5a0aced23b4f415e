// The wall clock: the CMOS real-time clock (MC146818 registers 0x00-0x09, status A/B) read once,
// then carried forward by the TSC.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/rtc.h>
#include <arch/x86_64/tsc.h>
#include <lib/clock.h>

namespace ingot {
namespace {

uint8_t cmos_read(uint8_t reg) {
    x86::outb(0x70, reg);
    return x86::inb(0x71);
}

unsigned from_bcd(uint8_t v) { return (v & 0x0F) + (v >> 4) * 10; }

// Seconds since the epoch from the RTC, waiting out an update in progress (status A bit 7).
int64_t read_rtc_seconds() {
    for (int tries = 0; tries < 1000000 && (cmos_read(0x0A) & 0x80); ++tries) x86::pause();
    uint8_t status_b = cmos_read(0x0B);
    bool binary = status_b & 0x04, hours_24 = status_b & 0x02;
    auto field = [&](uint8_t reg) { uint8_t v = cmos_read(reg); return binary ? unsigned(v) : from_bcd(v); };
    unsigned second = field(0x00), minute = field(0x02), day = field(0x07), month = field(0x08),
             year = field(0x09);
    uint8_t raw_hour = cmos_read(0x04);
    bool pm = raw_hour & 0x80;
    unsigned hour = binary ? (raw_hour & 0x7F) : from_bcd(raw_hour & 0x7F);
    if (!hours_24) hour = (hour % 12) + (pm ? 12 : 0);
    if (month < 1 || month > 12 || day < 1 || day > 31) return 0;
    int64_t days = days_from_civil(2000 + year, month, day);
    return days * 86400 + hour * 3600 + minute * 60 + second;
}

int64_t realtime_offset_ns = -1;  // wall clock minus monotonic
int64_t boot_rtc_seconds = -1;

}  // namespace

uint64_t realtime_coarse_ns() {
    if (realtime_offset_ns >= 0 || tsc_calibrated()) return realtime_ns();
    if (boot_rtc_seconds < 0) boot_rtc_seconds = read_rtc_seconds();
    return static_cast<uint64_t>(boot_rtc_seconds) * kNanosPerSecond;
}

int64_t wall_clock_offset_ns() {
    if (realtime_offset_ns < 0) {
        uint64_t now = monotonic_ns();
        realtime_offset_ns = read_rtc_seconds() * int64_t(kNanosPerSecond) - int64_t(now);
        if (realtime_offset_ns < 0) realtime_offset_ns = 0;
    }
    return realtime_offset_ns;
}

uint64_t realtime_ns() {
    int64_t offset = wall_clock_offset_ns();
    return monotonic_ns() + offset;
}

}  // namespace ingot
