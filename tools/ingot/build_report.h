// What `ingot build --verbose` prints: the kernel variant chosen and why, and the size of each
// part of the image, the kernel's optional parts included.
#pragma once

#include <ingot/kernel_choice.h>
#include <ingot/kernel_source.h>

#include <cstdint>
#include <span>
#include <string>

namespace ingot::tool {

// The report for `image`, built with `kernel` as `choice` picked it. The size of each kernel
// feature is the difference between the embedded variants with and without it: in bytes as
// they land in the image (compressed: image/packed_kernel.h), then of code and data
// uncompressed. One line per item, each starting with "ingot: ".
std::string describe_build(const KernelChoice& choice, const LoadedKernel& kernel, const EmbeddedKernels& embedded,
                           std::span<const uint8_t> image);

}  // namespace ingot::tool
