// Where `ingot` gets the kernel it casts into images: one of the kernel variants embedded in the
// ingot binary (kernel_choice.h), or the file $INGOT_KERNEL names (for kernel development and
// benchmarks), which then serves every program whatever it needs.
#pragma once

#include <ingot/kernel_choice.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::tool {

// The stripped kernel ELF of each variant linked into the binary (any may be empty), in the
// order of kKernelVariants.
struct EmbeddedKernels {
    std::span<const uint8_t> kernels[kKernelVariantCount];

    std::span<const uint8_t> of(KernelVariant variant) const { return kernels[variant_index(variant)]; }
};

struct LoadedKernel {
    std::vector<uint8_t> bytes;
    std::string origin;  // "embedded" or "INGOT_KERNEL=PATH"
};

// The kernel ELF bytes: the file $INGOT_KERNEL names if set, else the embedded `variant`.
// Throws input_error when the file cannot be read, or when neither exists.
LoadedKernel load_kernel(const EmbeddedKernels& embedded, KernelVariant variant);

}  // namespace ingot::tool
