// `ingot run`: boots an image (building a temporary one from a plain program, or with other
// files) under QEMU, relays its output and returns the program's exit status.
#pragma once

#include <ingot/kernel_source.h>

#include <span>

#include <ingot/command_line.h>

namespace ingot::tool {

// Guest memory when neither --mem nor the image names a size.
inline constexpr uint64_t kDefaultMemBytes = 64ull * 1024 * 1024;

// Runs `ingot run` and returns the status ingot exits with: the program's status, or one of
// host_channels.h's (124 timeout, 125 panic, 126 QEMU failure). Throws ToolError for bad input.
int run_run(const RunOptions& options, const EmbeddedKernels& embedded_kernels);

}  // namespace ingot::tool
