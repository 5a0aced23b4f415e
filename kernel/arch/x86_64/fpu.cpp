#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/fpu.h>

namespace ingot {
namespace {

// XRSTOR from a header whose XSTATE_BV is zero puts every enabled component in its initial
// state without reading it; only the legacy region and the header are read, and MXCSR, which
// is loaded from it (Intel SDM Vol. 1 §13.8.1), is set right after. All zeros: in .bss.
constexpr uint32_t kMxcsrDefault = 0x1F80;
alignas(64) constinit uint8_t init_state[512 + 64] = {};

uint32_t low(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t high(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

}  // namespace

void fpu_save(uint8_t* area) {
    uint64_t mask = cpu_features().xcr0;
    if (cpu_features().xsave)
        asm volatile("xsave64 (%0)" ::"r"(area), "a"(low(mask)), "d"(high(mask)) : "memory");
    else
        asm volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_restore(const uint8_t* area) {
    uint64_t mask = cpu_features().xcr0;
    if (cpu_features().xsave)
        asm volatile("xrstor64 (%0)" ::"r"(area), "a"(low(mask)), "d"(high(mask)) : "memory");
    else
        asm volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void fpu_reset() {
    if (cpu_features().xsave) fpu_restore(init_state);
    uint32_t mxcsr = kMxcsrDefault;
    asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
}

}  // namespace ingot
