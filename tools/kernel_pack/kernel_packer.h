// Makes the packed kernel (kernel/image/packed_kernel.h) from the unpacking stub's ELF and a
// kernel ELF: the kernel's memory image compressed into one LZ4 block (LZ4HC at its highest
// level: packing happens once per build, unpacking at every boot), placed after the stub, with
// the kernel's memory reserved and its notes carried over.
#pragma once

#include <image/packed_kernel.h>

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::pack {

// What a loader would put in memory for a kernel ELF, before zeroing its .bss.
struct KernelMemoryImage {
    uint64_t load_address = 0;   // the lowest PT_LOAD's physical address
    std::vector<uint8_t> bytes;  // every PT_LOAD's file bytes at p_paddr - load_address, gaps zeroed
    uint64_t content_bytes = 0;  // the PT_LOADs' file bytes, summed: `bytes` less the gaps
    uint64_t memory_bytes = 0;   // from load_address to the end of the last PT_LOAD's memory
    uint32_t entry = 0;          // the PVH entry (XEN_ELFNOTE_PHYS32_ENTRY)
};

// Reads a kernel ELF's memory image. Throws input_error("kernel: ...") for a file that is not an
// x86_64 ELF, has no PVH entry note, or does not lie below image::kPackedKernelLimit.
KernelMemoryImage kernel_memory_image(std::span<const uint8_t> kernel_elf);

// `data` as one LZ4 block (LZ4HC, highest level).
std::vector<uint8_t> compress_block(std::span<const uint8_t> data);

struct PackedKernel {
    std::vector<uint8_t> file;          // the packed kernel ELF
    image::PackedKernelHeader header{};
};

// Packs `kernel_elf` behind `stub_elf`. Throws input_error("stub: ...") or ("kernel: ...") when
// either is not what it should be, or when the compressed kernel does not fit between the stub
// and the kernel's load address.
PackedKernel pack_kernel(std::span<const uint8_t> stub_elf, std::span<const uint8_t> kernel_elf);

}  // namespace ingot::pack
