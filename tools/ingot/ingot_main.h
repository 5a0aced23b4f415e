// The ingot command: parses the command line, runs the subcommand, and turns every ToolError into
// one "ingot: error: ..." line and its exit status.
#pragma once

#include <cstdint>
#include <ingot/kernel_source.h>

#include <span>

namespace ingot::tool {

// The whole program; `embedded_kernels` are the kernel variants linked into the binary (may be empty).
int ingot_main(int argc, char** argv, const EmbeddedKernels& embedded_kernels);

}  // namespace ingot::tool
