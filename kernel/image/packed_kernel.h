// The packed kernel: the kernel file `ingot` casts into images (and embeds, one per variant).
// Like Linux's bzImage it is a small stub (arch/x86_64/unpack) plus the kernel proper,
// compressed; `ingot-kernel-pack` (tools/kernel_pack) makes it from the stub's ELF and a kernel
// ELF at build time. It is itself an ELF64 file that boots through PVH:
//
//   physical memory                       program headers of the packed file
//   1 MiB   stub: code, data, stack and   PT_LOAD  the stub's own segment (RWX)
//           page tables (.bss)
//   next 16-byte boundary:                PT_LOAD  PackedKernelHeader + LZ4 block (R)
//           PackedKernelHeader, then the
//           kernel's memory image as one
//           LZ4 block (lib/lz4_block.h)
//   load_address (the kernel's link       PT_LOAD  no file bytes, memory_bytes long (RWX):
//   address, 1.25 MiB, x86_64/linker.ld)  it reserves the kernel's memory, so that
//           the kernel, .bss included,    `ingot build` puts the payload after it
//   4 KiB boundary after it: the payload  PT_NOTE  the stub's XEN_ELFNOTE_PHYS32_ENTRY, then
//           (image/format.h)                       the kernel's other notes (its features)
//
// The loader enters the stub; the stub decodes the block to load_address, zeroes the rest of
// the kernel's memory_bytes, and enters the kernel at `entry` in the state the loader left
// (32-bit protected mode, paging off, %ebx = start_info): the kernel boots as if loaded
// directly, and finds the payload where image/format.h says, right after its own end.
//
// The kernel's memory image is its PT_LOAD segments' file bytes laid out by physical address
// from the lowest one, gaps zeroed: what a loader would write before zeroing .bss.
#pragma once

#include <cstdint>

namespace ingot::image {

inline constexpr char kPackedKernelMagic[8] = {'I', 'N', 'G', 'O', 'T', 'L', 'Z', '4'};
inline constexpr uint64_t kPackedKernelAlign = 16;
// The stub runs over an identity map of the first GiB: the kernel must lie below it.
inline constexpr uint64_t kPackedKernelLimit = 1ull << 30;

struct PackedKernelHeader {
    char magic[8];              // kPackedKernelMagic
    uint32_t header_size;       // sizeof(PackedKernelHeader)
    uint32_t entry;             // the kernel's PVH entry (its XEN_ELFNOTE_PHYS32_ENTRY)
    uint64_t load_address;      // physical address of the kernel's memory image
    uint64_t image_bytes;       // size of the memory image: what the block decodes to
    uint64_t memory_bytes;      // the kernel's whole memory from load_address, .bss included
    uint64_t compressed_bytes;  // size of the LZ4 block, which follows this header
    uint64_t content_bytes;     // the kernel's code and data: the part of image_bytes that comes
                                // from its segments, the rest being the gaps between them (for
                                // reports: what the kernel takes uncompressed)
};
static_assert(sizeof(PackedKernelHeader) == 56, "PackedKernelHeader is an on-disk format");

// Where the header lies in memory: at the first boundary after the stub's end.
constexpr uint64_t packed_kernel_address(uint64_t stub_end) {
    return (stub_end + kPackedKernelAlign - 1) & ~(kPackedKernelAlign - 1);
}

}  // namespace ingot::image
