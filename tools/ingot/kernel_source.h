// Where `ingot` gets the kernel it casts into images: $INGOT_KERNEL names a kernel ELF to use
// instead of the one embedded in the ingot binary (for kernel development and benchmarks).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::tool {

// The kernel ELF bytes: the file $INGOT_KERNEL names if set, else `embedded`. Throws input_error
// when the file cannot be read, or when neither exists.
std::vector<uint8_t> load_kernel(std::span<const uint8_t> embedded);

}  // namespace ingot::tool
