// From a booted kernel to the program's first instruction: read the image, mount its files,
// load the ELF and build the initial stack.
#pragma once

#include <cstdint>
#include <span>

namespace ingot {

struct UserEntry {
    uint64_t rip;
    uint64_t rsp;
};

// Prepares the program from the image payload and the boot command line. A bad image is
// reported on the kernel channel and powers the machine off (the payload comes from outside).
UserEntry start_program(std::span<const uint8_t> payload, const char* command_line, uint64_t ram_bytes);

}  // namespace ingot
