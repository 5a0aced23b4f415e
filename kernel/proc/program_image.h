// Putting a static program into the current (empty) address space: its segments (ELF loader),
// the layout with randomised stack, mmap and brk bases, and the initial stack with argv, envp
// and auxv. Used at boot for pid 1 and by execve(2).
#pragma once

#include <lib/result.h>
#include <proc/program_start.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace ingot {

struct ProgramImage {
    std::span<const uint8_t> elf;  // the whole file, already accepted by elf::check_elf
    std::span<const std::string_view> argv;
    std::span<const std::string_view> envp;
    std::string_view exe_path;     // AT_EXECFN
};

// Loads `image` and builds its stack. On failure, *failed_step names what went wrong (the
// address space is then half-built and must be thrown away).
Result<UserEntry> load_program_image(const ProgramImage& image, const char** failed_step);

}  // namespace ingot
