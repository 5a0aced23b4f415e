// The notes of an ELF file's PT_NOTE segments (gABI "Note Section"): a header of namesz, descsz
// and type (4 bytes each), then the name and the descriptor, each padded to 4 bytes. Read from
// the file, so notes outside any loaded segment count as well; notes that run past their
// segment end the walk of that segment.
#pragma once

#include <elf/elf64.h>
#include <lib/function_ref.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace ingot::elf {

struct ElfNote {
    std::string_view name;               // without its terminating NUL
    uint32_t type = 0;
    std::span<const uint8_t> descriptor;
    std::span<const uint8_t> bytes;      // the whole note, header and padding included
};

// Calls visit(note) for each note of each PT_NOTE segment of `file`, in order, until it returns
// true; returns whether it did. A file that is not ELF64 has no notes.
bool find_note(std::span<const uint8_t> file, FunctionRef<bool(const ElfNote&)> visit);

}  // namespace ingot::elf
