#include <ingot/image_writer.h>

#include <ingot/tool_error.h>

#include <image/format.h>

#include <cstring>
#include <string>

namespace ingot::tool {

namespace {

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

[[noreturn]] void bad_kernel(const std::string& why) { throw input_error("kernel image: " + why); }

}  // namespace

KernelLayout read_kernel_layout(std::span<const uint8_t> kernel) {
    KernelLayout layout;
    elf::Elf64_Ehdr& eh = layout.header;
    if (!elf::read_struct(kernel, 0, eh) || std::memcmp(eh.e_ident, elf::kMagic, 4) != 0)
        bad_kernel("not an ELF file");
    if (eh.e_ident[elf::kIdentClass] != elf::kClass64 || eh.e_ident[elf::kIdentData] != elf::kDataLittleEndian ||
        eh.e_machine != elf::kMachineX86_64)
        bad_kernel("not a 64-bit little-endian x86_64 ELF");
    if (eh.e_phentsize != sizeof(elf::Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum >= elf::kPhnumExtended - 1)
        bad_kernel("bad program header table");
    if (!elf::range_within(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(elf::Elf64_Phdr), kernel.size()))
        bad_kernel("program header table outside the file");
    bool has_load = false;
    for (uint16_t i = 0; i < eh.e_phnum; ++i) {
        elf::Elf64_Phdr ph{};
        elf::read_struct(kernel, eh.e_phoff + uint64_t{i} * sizeof ph, ph);
        layout.program_headers.push_back(ph);
        if (ph.p_type != elf::kPtLoad || ph.p_memsz == 0) continue;
        if (!elf::range_within(ph.p_offset, ph.p_filesz, kernel.size())) bad_kernel("segment outside the file");
        constexpr uint64_t kLimit = ~uint64_t{0} - image::kPayloadAlign;  // room to align the end up
        if (ph.p_memsz > kLimit || ph.p_paddr > kLimit - ph.p_memsz) bad_kernel("segment address overflows");
        has_load = true;
        if (ph.p_paddr + ph.p_memsz > layout.phys_end) layout.phys_end = ph.p_paddr + ph.p_memsz;
    }
    if (!has_load) bad_kernel("no loadable segments");
    return layout;
}

std::vector<uint8_t> write_image(std::span<const uint8_t> kernel, std::span<const uint8_t> payload) {
    KernelLayout layout = read_kernel_layout(kernel);
    uint64_t payload_offset = align_up(kernel.size(), image::kPayloadAlign);
    uint64_t payload_address = image::payload_phys_address(layout.phys_end);
    uint64_t phdr_offset = align_up(payload_offset + payload.size(), alignof(elf::Elf64_Phdr));

    elf::Elf64_Phdr payload_segment{};
    payload_segment.p_type = elf::kPtLoad;
    payload_segment.p_flags = elf::kPfRead;
    payload_segment.p_offset = payload_offset;
    payload_segment.p_vaddr = payload_address;
    payload_segment.p_paddr = payload_address;
    payload_segment.p_filesz = payload.size();
    payload_segment.p_memsz = payload.size();
    payload_segment.p_align = image::kPayloadAlign;
    layout.program_headers.push_back(payload_segment);

    elf::Elf64_Ehdr header = layout.header;
    header.e_phoff = phdr_offset;
    header.e_phnum = static_cast<uint16_t>(layout.program_headers.size());

    uint64_t table_size = layout.program_headers.size() * sizeof(elf::Elf64_Phdr);
    std::vector<uint8_t> image(phdr_offset + table_size, 0);
    std::memcpy(image.data(), kernel.data(), kernel.size());
    std::memcpy(image.data(), &header, sizeof header);
    if (!payload.empty()) std::memcpy(image.data() + payload_offset, payload.data(), payload.size());
    std::memcpy(image.data() + phdr_offset, layout.program_headers.data(), table_size);
    return image;
}

}  // namespace ingot::tool
