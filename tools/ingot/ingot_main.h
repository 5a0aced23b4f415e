// The ingot command: parses the command line, runs the subcommand, and turns every ToolError into
// one "ingot: error: ..." line and its exit status.
#pragma once

#include <cstdint>
#include <span>

namespace ingot::tool {

// The whole program; `embedded_kernel` is the kernel ELF linked into the binary (may be empty).
int ingot_main(int argc, char** argv, std::span<const uint8_t> embedded_kernel);

}  // namespace ingot::tool
