// Processor state the program depends on, set before its first instruction (DESIGN rule 3):
// SSE and every extended state CPUID offers (glibc picks its string functions from CPUID and
// XGETBV), supervisor-mode protections, and the SYSCALL MSRs.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/trap_frame.h>
#include <proc/cpus.h>

extern "C" void syscall_entry();
extern "C" bool x86_user_access_smap;

namespace ingot {
namespace {

// CR0 and CR4 bits (Intel SDM Vol. 3A §2.5).
constexpr uint64_t kCr0MonitorCoprocessor = 1 << 1, kCr0Emulation = 1 << 2, kCr0NumericError = 1 << 5,
                   kCr0WriteProtect = 1 << 16;
constexpr uint64_t kCr4OsFxsr = 1 << 9, kCr4OsXmmExcept = 1 << 10, kCr4Umip = 1 << 11,
                   kCr4OsXsave = 1 << 18, kCr4Smep = 1 << 20, kCr4Smap = 1 << 21;
// XCR0 state components we enable when offered: x87, SSE, AVX, AVX-512 (opmask, ZMM_Hi256,
// Hi16_ZMM). AMX needs Linux's arch_prctl permission dance, so it stays off, as on Linux by default.
constexpr uint64_t kXcr0Wanted = 0x1 | 0x2 | 0x4 | 0x20 | 0x40 | 0x80;
// RFLAGS bits cleared on SYSCALL entry: TF, DF, IF, IOPL, NT, AC (as Linux does).
constexpr uint64_t kSyscallFlagMask = 0x100 | 0x400 | 0x200 | 0x3000 | 0x4000 | 0x40000;

CpuFeatures features;
PerCpu per_cpu[kMaxCpus];

// What CPUID says about this processor, learnt on the boot CPU (the others are the same model).
void learn_features() {
    auto leaf1 = x86::cpuid(1);
    auto leaf7 = x86::cpuid(0) .eax >= 7 ? x86::cpuid(7, 0) : x86::CpuidResult{};
    features.xsave = leaf1.ecx & (1u << 26);
    features.rdrand = leaf1.ecx & (1u << 30);
    features.tsc_deadline = leaf1.ecx & (1u << 24);
    features.x2apic = leaf1.ecx & (1u << 21);
    features.hypervisor = leaf1.ecx & (1u << 31);
    features.rdseed = leaf7.ebx & (1u << 18);
    features.smep = leaf7.ebx & (1u << 7);
    features.smap = leaf7.ebx & (1u << 20);
    features.umip = leaf7.ecx & (1u << 2);
}

}  // namespace

const CpuFeatures& cpu_features() { return features; }
PerCpu& cpu_block(unsigned index) { return per_cpu[index]; }

void cpu_init(unsigned index) {
    PerCpu& block = per_cpu[index];
    block.self = &block;
    block.index = index;
    block.apic_id = x86::cpuid(1).ebx >> 24;
    x86::wrmsr(x86::kMsrGsBase, reinterpret_cast<uint64_t>(&block));  // kernel GS while in the kernel
    x86::wrmsr(x86::kMsrKernelGsBase, 0);                            // the program's GS
    if (index == 0) learn_features();

    uint64_t cr0 = x86::read_cr0();
    cr0 &= ~kCr0Emulation;
    cr0 |= kCr0MonitorCoprocessor | kCr0NumericError | kCr0WriteProtect;
    x86::write_cr0(cr0);

    uint64_t cr4 = x86::read_cr4() | kCr4OsFxsr | kCr4OsXmmExcept;
    if (features.xsave) cr4 |= kCr4OsXsave;
    if (features.smep) cr4 |= kCr4Smep;
    if (features.smap) cr4 |= kCr4Smap;
    if (features.umip) cr4 |= kCr4Umip;
    x86::write_cr4(cr4);
    x86_user_access_smap = features.smap;

    if (index == 0) {
        features.fpu_state_size = 512;  // FXSAVE area
        if (features.xsave) {
            // CPUID leaf 0xD sub-leaf 0: EDX:EAX = supported XCR0 bits (Intel SDM Vol. 1 §13.2).
            auto xsave_leaf = x86::cpuid(0xD, 0);
            uint64_t supported = (uint64_t(xsave_leaf.edx) << 32) | xsave_leaf.eax;
            features.xcr0 = supported & kXcr0Wanted;
        }
    }
    if (features.xsave) {
        x86::xsetbv(0, features.xcr0);
        if (index == 0) features.fpu_state_size = x86::cpuid(0xD, 0).ebx;  // size for the enabled components
    }
    // Clean x87 and SSE state for the program: FCW 0x37F, MXCSR 0x1F80 (psABI §3.2.3).
    uint32_t mxcsr = 0x1F80;
    asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));

    // SYSCALL/SYSRET: STAR[47:32] kernel CS (SS = +8), STAR[63:48] base for the user
    // selectors (CS = +16, SS = +8), Intel SDM Vol. 2B "SYSRET".
    x86::wrmsr(x86::kMsrEfer, x86::rdmsr(x86::kMsrEfer) | 1);  // EFER.SCE
    x86::wrmsr(x86::kMsrStar, (uint64_t(kUserData - 8 - 3) << 48) | (uint64_t(kKernelCode) << 32));
    x86::wrmsr(x86::kMsrLstar, reinterpret_cast<uint64_t>(&syscall_entry));
    x86::wrmsr(x86::kMsrSfmask, kSyscallFlagMask);
}

}  // namespace ingot
