#include <ingot/packed_kernel_reader.h>

#include <elf/elf64.h>

#include <cstring>

namespace ingot::tool {

std::optional<image::PackedKernelHeader> find_packed_kernel(std::span<const uint8_t> elf_file) {
    elf::Elf64_Ehdr eh{};
    if (!elf::read_struct(elf_file, 0, eh) || std::memcmp(eh.e_ident, elf::kMagic, 4) != 0) return std::nullopt;
    if (eh.e_ident[elf::kIdentClass] != elf::kClass64 || eh.e_phentsize != sizeof(elf::Elf64_Phdr)) return std::nullopt;
    for (uint64_t i = 0; i < eh.e_phnum; ++i) {
        elf::Elf64_Phdr ph{};
        if (!elf::read_struct(elf_file, eh.e_phoff + i * sizeof ph, ph)) return std::nullopt;
        image::PackedKernelHeader header{};
        if (ph.p_type != elf::kPtLoad || ph.p_filesz < sizeof header || !elf::read_struct(elf_file, ph.p_offset, header))
            continue;
        if (std::memcmp(header.magic, image::kPackedKernelMagic, sizeof header.magic) == 0 &&
            header.header_size == sizeof header)
            return header;
    }
    return std::nullopt;
}

}  // namespace ingot::tool
