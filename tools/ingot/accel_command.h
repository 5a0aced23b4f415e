// `ingot accel`: prints "kvm" or "tcg", the accelerator `ingot run` would use with this QEMU,
// probing KVM first if nothing is remembered (accelerator.h). Scripts that boot other guests
// beside Ingot's (the benchmarks) ask it so that every guest runs under the same accelerator.
#pragma once

#include <ingot/command_line.h>
#include <ingot/kernel_source.h>

namespace ingot::tool {

// Throws ToolError for a bad $INGOT_ACCEL or a missing QEMU.
void run_accel(const AccelOptions& options, const EmbeddedKernels& embedded_kernels);

}  // namespace ingot::tool
