// Where `ingot` gets the kernel it casts into images: the smallest of the kernel variants
// embedded in the ingot binary that has every feature the program needs (kernel_choice.h), or
// the file $INGOT_KERNEL names (for kernel development and benchmarks), which then serves
// every program whatever it needs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::tool {

// A stripped kernel ELF linked into the binary, with the features its ELF note declares.
struct EmbeddedKernel {
    uint32_t features = 0;
    std::span<const uint8_t> bytes;
};

struct EmbeddedKernels {
    std::vector<EmbeddedKernel> kernels;

    // Reads each kernel's features from its note (kernels without one are left out).
    static EmbeddedKernels from_blobs(std::span<const std::span<const uint8_t>> blobs);
    // The smallest kernel whose features include `features`, or nullptr.
    const EmbeddedKernel* smallest_with(uint32_t features) const;
    // The kernel with exactly `features`, or nullptr.
    const EmbeddedKernel* exactly(uint32_t features) const;
    // The smallest kernel's bytes (what the KVM probe boots); empty when none is embedded.
    std::span<const uint8_t> smallest_bytes() const {
        const EmbeddedKernel* kernel = smallest_with(0);
        return kernel ? kernel->bytes : std::span<const uint8_t>();
    }
};

struct LoadedKernel {
    std::vector<uint8_t> bytes;
    std::string origin;     // "embedded" or "INGOT_KERNEL=PATH"
    uint32_t features = 0;  // what its note declares; every feature when it has none
};

// The kernel ELF bytes: the file $INGOT_KERNEL names if set, else the smallest embedded kernel
// with `features`. Throws input_error when the file cannot be read, or when neither exists.
LoadedKernel load_kernel(const EmbeddedKernels& embedded, uint32_t features);

}  // namespace ingot::tool
