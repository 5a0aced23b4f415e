// Validation of a program ELF before anything trusts it: the kernel's loader and `ingot build`
// both call check_elf() and act only on the ElfInfo it returns. The input is hostile (DESIGN rule
// 12): every offset, size and address is checked for overflow and bounds, so a caller that uses
// only ElfInfo can neither read outside the file nor map outside user space.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <elf/elf64.h>

namespace ingot::elf {

// Why a file cannot run under Ingot. describe() gives the one-line message for each.
enum class ElfProblem : uint8_t {
    None,
    NotElf,
    TruncatedHeader,
    Elf32,
    BigEndian,
    BadIdentification,
    WrongMachine,
    Dynamic,
    NotExecutable,
    BadProgramHeaderSize,
    TooManyProgramHeaders,
    ProgramHeadersOutsideFile,
    SegmentOutsideFile,
    FileSizeLargerThanMemSize,
    MisalignedSegment,
    AddressOutsideUserSpace,
    OverlappingSegments,
    TooManyLoadSegments,
    NoLoadableSegments,
    EntryOutsideExecutableSegments,
    BadTlsSegment,
};

// One-line, lower-case description of a problem ("dynamically linked (has an interpreter); ...").
const char* describe(ElfProblem problem);

// Common name of an ELF e_machine value ("Intel 80386", "AArch64"), or nullptr when unknown.
const char* machine_name(uint16_t machine);

// Highest program-header count accepted; the gABI allows 65534, real programs use about ten.
inline constexpr uint16_t kMaxProgramHeaders = 256;
// PT_LOAD segments kept in ElfInfo; static glibc and musl programs have four or five.
inline constexpr size_t kMaxLoadSegments = 16;
// Lowest address of a non-PIE program (page 0 stays unmapped so NULL faults) and the end of the
// region programs may occupy: the top of the lower half minus 4 GiB kept free for the stack.
inline constexpr uint64_t kUserImageStart = 0x1000;
inline constexpr uint64_t kUserImageEnd = 0x0000'7FFF'0000'0000ull;
// Loaders map segments in pages of this size; gABI requires p_vaddr ≡ p_offset (mod p_align).
inline constexpr uint64_t kPageSize = 4096;

// A segment as checked: [vaddr, vaddr+memsz) in the program's link-time address space (add the
// load base for a PIE), its first filesz bytes from file offset `offset`, the rest zero.
struct ElfSegment {
    uint64_t vaddr = 0;
    uint64_t memsz = 0;
    uint64_t offset = 0;
    uint64_t filesz = 0;
    uint64_t align = 0;
    uint32_t flags = 0;  // kPfRead | kPfWrite | kPfExecute

    bool readable() const { return flags & kPfRead; }
    bool writable() const { return flags & kPfWrite; }
    bool executable() const { return flags & kPfExecute; }
    uint64_t end() const { return vaddr + memsz; }
};

// Everything a loader needs from a valid program, in link-time addresses.
struct ElfInfo {
    bool is_pie = false;  // ET_DYN without PT_INTERP: static-pie, loaded at a random base
    uint64_t entry = 0;
    uint64_t phoff = 0;
    uint16_t phnum = 0;
    uint16_t phentsize = 0;

    std::array<ElfSegment, kMaxLoadSegments> load = {};  // PT_LOAD in ascending vaddr order
    size_t load_count = 0;
    uint64_t lowest_vaddr = 0;  // lowest PT_LOAD vaddr
    uint64_t end_vaddr = 0;     // one past the highest byte of any PT_LOAD

    bool executable_stack = false;  // PT_GNU_STACK with PF_X (absent means non-executable here)
    bool has_tls = false;
    ElfSegment tls = {};  // PT_TLS: initialisation image [vaddr, vaddr+filesz), block memsz

    // Where the program headers appear in memory, for AT_PHDR (psABI "Auxiliary Vector"): the
    // PT_PHDR vaddr, else computed from the PT_LOAD that maps e_phoff. False if neither exists:
    // the loader must then place a copy itself.
    bool phdrs_mapped = false;
    uint64_t phdr_vaddr = 0;

    std::span<const ElfSegment> load_segments() const { return {load.data(), load_count}; }
};

// The outcome of check_elf(): either a problem, or the info of a valid program.
class ElfCheck {
public:
    static ElfCheck failure(ElfProblem problem, uint64_t detail = 0) {
        ElfCheck c;
        c.problem_ = problem;
        c.detail_ = detail;
        return c;
    }
    static ElfCheck success(const ElfInfo& info) {
        ElfCheck c;
        c.info_ = info;
        return c;
    }

    bool ok() const { return problem_ == ElfProblem::None; }
    ElfProblem problem() const { return problem_; }
    // Extra number for the message: e_machine for WrongMachine, e_phentsize for
    // BadProgramHeaderSize, otherwise 0.
    uint64_t detail() const { return detail_; }
    const ElfInfo& info() const { return info_; }

private:
    ElfProblem problem_ = ElfProblem::None;
    uint64_t detail_ = 0;
    ElfInfo info_;
};

// Checks that `file` is a static x86_64 Linux executable (ET_EXEC, or ET_DYN without PT_INTERP)
// that Ingot can load, and returns its ElfInfo; otherwise the first problem found.
ElfCheck check_elf(std::span<const uint8_t> file);

}  // namespace ingot::elf
