// Reads the header of a packed kernel (kernel/image/packed_kernel.h), for `ingot build
// --verbose`, which reports what the kernel takes packed and unpacked.
#pragma once

#include <image/packed_kernel.h>

#include <cstdint>
#include <optional>
#include <span>

namespace ingot::tool {

// The header at the start of the first PT_LOAD that begins with one, in a packed kernel or an
// image made from one; nullopt for a kernel ELF that is not packed.
std::optional<image::PackedKernelHeader> find_packed_kernel(std::span<const uint8_t> elf_file);

}  // namespace ingot::tool
