// Loading a static x86-64 executable into the program's address space (System V gABI
// "Program Loading"; DESIGN rule 6: ET_EXEC where it was linked, static-pie at a random base).
#pragma once

#include <elf/elf_check.h>
#include <lib/result.h>

#include <cstdint>
#include <span>

namespace ingot {

struct LoadedProgram {
    uint64_t entry;       // where execution starts (bias applied)
    uint64_t bias;        // added to every vaddr: 0 for ET_EXEC, the random base for static-pie
    uint64_t phdr;        // AT_PHDR
    uint64_t phnum;       // AT_PHNUM
    uint64_t image_end;   // first page after the highest segment: where brk starts
    bool executable_stack;
};

// Maps every PT_LOAD segment of `file` (already checked by check_elf into `info`) with its
// permissions; file bytes are copied in, the rest is demand-zero. ENOMEM when memory runs out.
Result<LoadedProgram> load_elf(std::span<const uint8_t> file, const elf::ElfInfo& info, uint64_t pie_base);

}  // namespace ingot
