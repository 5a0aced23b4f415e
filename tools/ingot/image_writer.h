// Casts a kernel ELF and a payload into one bootable image (kernel/image/format.h): the kernel
// file unchanged, the payload at the next 4 KiB file offset, then a new program header table
// (the kernel's headers plus one PT_LOAD for the payload) that the ELF header now points at.
// The kernel's section headers still describe the kernel part and stay valid.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <elf/elf64.h>

namespace ingot::tool {

// A kernel ELF read far enough to extend it.
struct KernelLayout {
    elf::Elf64_Ehdr header{};
    std::vector<elf::Elf64_Phdr> program_headers;
    uint64_t phys_end = 0;  // max over PT_LOAD of p_paddr + p_memsz
};

// Reads and checks a kernel ELF (64-bit little-endian x86_64, program headers and PT_LOAD
// segments inside the file). Throws input_error("kernel image: ...") otherwise.
KernelLayout read_kernel_layout(std::span<const uint8_t> kernel);

// Returns kernel + payload as one image; the payload's PT_LOAD has
// p_paddr = p_vaddr = payload_phys_address(phys_end), flags R, p_filesz = p_memsz = its size.
std::vector<uint8_t> write_image(std::span<const uint8_t> kernel, std::span<const uint8_t> payload);

}  // namespace ingot::tool
