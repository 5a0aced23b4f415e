// The initial process stack a static Linux program expects at its entry point (System V
// x86-64 psABI §3.4.1 "Initial Stack and Register State"; DESIGN.md rule 5). From the final
// rsp upwards:
//
//   rsp -> argc
//          argv[0..argc-1], NULL
//          envp[0..envc-1], NULL
//          auxv pairs (type, value) ..., AT_NULL
//          padding (so that rsp is 16-byte aligned)
//          16 AT_RANDOM bytes
//          strings: "x86_64" (AT_PLATFORM), argv, envp, execfn (AT_EXECFN)
//          8 zero bytes (end marker, as Linux leaves)          <- stack_top
//
// The builder writes into a kernel buffer that mirrors the top of the stack (the buffer's last
// byte is stack_top - 1), so the kernel can copy [rsp, stack_top) to the user stack in one go.
#pragma once

#include <lib/result.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ingot {

// Auxiliary vector types (Linux include/uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h).
inline constexpr uint64_t kAtNull = 0;          // AT_NULL: end of vector
inline constexpr uint64_t kAtIgnore = 1;        // AT_IGNORE
inline constexpr uint64_t kAtExecFd = 2;        // AT_EXECFD
inline constexpr uint64_t kAtPhdr = 3;          // AT_PHDR: program headers of the program
inline constexpr uint64_t kAtPhent = 4;         // AT_PHENT: size of one program header
inline constexpr uint64_t kAtPhnum = 5;         // AT_PHNUM: number of program headers
inline constexpr uint64_t kAtPagesz = 6;        // AT_PAGESZ: system page size
inline constexpr uint64_t kAtBase = 7;          // AT_BASE: interpreter base (0: none)
inline constexpr uint64_t kAtFlags = 8;         // AT_FLAGS
inline constexpr uint64_t kAtEntry = 9;         // AT_ENTRY: program entry point
inline constexpr uint64_t kAtNotElf = 10;       // AT_NOTELF
inline constexpr uint64_t kAtUid = 11;          // AT_UID
inline constexpr uint64_t kAtEuid = 12;         // AT_EUID
inline constexpr uint64_t kAtGid = 13;          // AT_GID
inline constexpr uint64_t kAtEgid = 14;         // AT_EGID
inline constexpr uint64_t kAtPlatform = 15;     // AT_PLATFORM: string identifying the CPU
inline constexpr uint64_t kAtHwcap = 16;        // AT_HWCAP: CPUID.1:EDX
inline constexpr uint64_t kAtClktck = 17;       // AT_CLKTCK: times(2) frequency
inline constexpr uint64_t kAtSecure = 23;       // AT_SECURE: setuid-like execution
inline constexpr uint64_t kAtBasePlatform = 24; // AT_BASE_PLATFORM
inline constexpr uint64_t kAtRandom = 25;       // AT_RANDOM: address of 16 random bytes
inline constexpr uint64_t kAtHwcap2 = 26;       // AT_HWCAP2: x86 HWCAP2_* bits
inline constexpr uint64_t kAtRseqFeatureSize = 27;  // AT_RSEQ_FEATURE_SIZE
inline constexpr uint64_t kAtRseqAlign = 28;    // AT_RSEQ_ALIGN
inline constexpr uint64_t kAtExecFn = 31;       // AT_EXECFN: file name of the program
inline constexpr uint64_t kAtSysinfoEhdr = 33;  // AT_SYSINFO_EHDR: vDSO (only with a complete one)
inline constexpr uint64_t kAtMinSigStkSz = 51;  // AT_MINSIGSTKSZ: minimal signal stack size

struct AuxEntry {
    uint64_t type;
    uint64_t value;
};

struct InitialStackInput {
    std::span<const std::string_view> argv;
    std::span<const std::string_view> envp;
    std::string_view execfn;                  // AT_EXECFN's string (the path given to exec)
    std::span<const AuxEntry> auxv;           // caller's entries, without AT_NULL and without
                                              // AT_RANDOM, AT_EXECFN, AT_PLATFORM
    std::array<uint8_t, 16> random_bytes{};  // AT_RANDOM's bytes (libc seeds its canary here)
};

struct InitialStack {
    uint64_t user_rsp;     // 16-byte aligned; argc lives here
    size_t buffer_offset;  // the image is buffer[buffer_offset, buffer.size()) ...
    size_t length;         // ... and belongs at user [user_rsp, stack_top)
};

// The platform string placed for AT_PLATFORM, as Linux reports on x86-64.
inline constexpr std::string_view kPlatformName = "x86_64";

// Lays out the initial stack for `input` in buffer, which mirrors the user stack just below
// stack_top. EINVAL when stack_top lies outside user space, a string contains a NUL, or
// auxv holds AT_NULL or an entry the builder places itself; E2BIG when the image does not fit
// in the buffer (or below stack_top).
Result<InitialStack> build_initial_stack(std::span<uint8_t> buffer, uint64_t stack_top,
                                         const InitialStackInput& input);

}  // namespace ingot
