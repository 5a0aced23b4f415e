#include <kernel_pack/kernel_packer.h>

#include <ingot/image_writer.h>
#include <ingot/tool_error.h>

#include <elf/elf_notes.h>

#include <lz4.h>
#include <lz4hc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

namespace ingot::pack {

namespace {

constexpr uint32_t kXenElfnotePhys32Entry = 18;  // xen/include/public/elfnote.h
constexpr uint64_t kNoteAlign = 4;

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

std::string hex(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
    return text;
}

// read_kernel_layout() for `what` ("stub" or "kernel"), its messages named after it.
tool::KernelLayout read_layout(std::span<const uint8_t> elf_file, const std::string& what) {
    try {
        return tool::read_kernel_layout(elf_file);
    } catch (const tool::ToolError& e) {
        std::string message = e.what();
        constexpr std::string_view kPrefix = "kernel image: ";
        if (message.starts_with(kPrefix)) message.erase(0, kPrefix.size());
        throw tool::input_error(what + ": " + message);
    }
}

std::vector<elf::Elf64_Phdr> loads_of(const tool::KernelLayout& layout) {
    std::vector<elf::Elf64_Phdr> loads;
    for (const elf::Elf64_Phdr& ph : layout.program_headers)
        if (ph.p_type == elf::kPtLoad && ph.p_memsz > 0) loads.push_back(ph);
    return loads;
}

std::optional<uint32_t> pvh_entry(std::span<const uint8_t> elf_file) {
    std::optional<uint32_t> entry;
    elf::find_note(elf_file, [&](const elf::ElfNote& note) {
        if (note.name != "Xen" || note.type != kXenElfnotePhys32Entry || note.descriptor.size() != 4) return false;
        uint32_t value;
        std::memcpy(&value, note.descriptor.data(), sizeof value);
        entry = value;
        return true;
    });
    return entry;
}

// The notes of the packed kernel: the stub's (its PVH entry), then the kernel's except its
// Xen notes, which describe how the kernel itself boots.
std::vector<uint8_t> packed_notes(std::span<const uint8_t> stub_elf, std::span<const uint8_t> kernel_elf) {
    std::vector<uint8_t> notes;
    elf::find_note(stub_elf, [&](const elf::ElfNote& note) {
        notes.insert(notes.end(), note.bytes.begin(), note.bytes.end());
        return false;
    });
    elf::find_note(kernel_elf, [&](const elf::ElfNote& note) {
        if (note.name != "Xen") notes.insert(notes.end(), note.bytes.begin(), note.bytes.end());
        return false;
    });
    return notes;
}

// Builds an ELF file segment by segment: the header and program header table first, then each
// segment's bytes at the next 16-byte file offset.
class ElfWriter {
public:
    explicit ElfWriter(uint64_t entry, size_t segment_count) {
        header_ = elf::x86_64_executable_header();
        header_.e_entry = entry;
        header_.e_phnum = static_cast<uint16_t>(segment_count);
        file_.resize(sizeof header_ + segment_count * sizeof(elf::Elf64_Phdr));
    }

    // Appends `bytes` and a program header describing them; p_offset and p_filesz are set here.
    void add(elf::Elf64_Phdr ph, std::span<const uint8_t> bytes) {
        ph.p_offset = bytes.empty() ? 0 : align_up(file_.size(), kFileAlign);
        ph.p_filesz = bytes.size();
        if (!bytes.empty()) {
            file_.resize(ph.p_offset);
            file_.insert(file_.end(), bytes.begin(), bytes.end());
        }
        headers_.push_back(ph);
    }

    std::vector<uint8_t> finish() {
        std::memcpy(file_.data(), &header_, sizeof header_);
        std::memcpy(file_.data() + sizeof header_, headers_.data(), headers_.size() * sizeof(elf::Elf64_Phdr));
        return std::move(file_);
    }

private:
    static constexpr uint64_t kFileAlign = 16;
    elf::Elf64_Ehdr header_{};
    std::vector<elf::Elf64_Phdr> headers_;
    std::vector<uint8_t> file_;
};

elf::Elf64_Phdr load_segment(uint64_t address, uint64_t memory_bytes, uint32_t flags) {
    elf::Elf64_Phdr ph{};
    ph.p_type = elf::kPtLoad;
    ph.p_flags = flags;
    ph.p_vaddr = address;
    ph.p_paddr = address;
    ph.p_memsz = memory_bytes;
    ph.p_align = image::kPackedKernelAlign;
    return ph;
}

}  // namespace

KernelMemoryImage kernel_memory_image(std::span<const uint8_t> kernel_elf) {
    tool::KernelLayout layout = read_layout(kernel_elf, "kernel");
    std::vector<elf::Elf64_Phdr> loads = loads_of(layout);
    KernelMemoryImage image;
    image.load_address = std::min_element(loads.begin(), loads.end(), [](const auto& a, const auto& b) {
                             return a.p_paddr < b.p_paddr;
                         })->p_paddr;
    if (layout.phys_end > image::kPackedKernelLimit)
        throw tool::input_error("kernel: its memory ends at " + hex(layout.phys_end) + ", past the " +
                                hex(image::kPackedKernelLimit) + " the unpacking stub maps");
    image.memory_bytes = layout.phys_end - image.load_address;
    uint64_t file_end = image.load_address;
    for (const elf::Elf64_Phdr& ph : loads)
        if (ph.p_filesz > 0) file_end = std::max(file_end, ph.p_paddr + std::min(ph.p_filesz, ph.p_memsz));
    image.bytes.resize(file_end - image.load_address);
    for (const elf::Elf64_Phdr& ph : loads) {
        uint64_t file_bytes = std::min(ph.p_filesz, ph.p_memsz);
        std::memcpy(image.bytes.data() + (ph.p_paddr - image.load_address), kernel_elf.data() + ph.p_offset,
                    file_bytes);
        image.content_bytes += file_bytes;
    }

    std::optional<uint32_t> entry = pvh_entry(kernel_elf);
    if (!entry) throw tool::input_error("kernel: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
    if (*entry < image.load_address || *entry >= file_end)
        throw tool::input_error("kernel: its PVH entry " + hex(*entry) + " is outside its loaded bytes");
    image.entry = *entry;
    return image;
}

std::vector<uint8_t> compress_block(std::span<const uint8_t> data) {
    if (data.size() > LZ4_MAX_INPUT_SIZE)
        throw tool::input_error("kernel: " + std::to_string(data.size()) + " bytes is more than LZ4 compresses");
    int input_size = static_cast<int>(data.size());
    std::vector<uint8_t> block(static_cast<size_t>(LZ4_compressBound(input_size)));
    const char* source = data.empty() ? "" : reinterpret_cast<const char*>(data.data());  // liblz4 wants one
    int size = LZ4_compress_HC(source, reinterpret_cast<char*>(block.data()), input_size,
                               static_cast<int>(block.size()), LZ4HC_CLEVEL_MAX);
    if (size <= 0) throw tool::input_error("kernel: LZ4 compression failed");
    block.resize(static_cast<size_t>(size));
    return block;
}

PackedKernel pack_kernel(std::span<const uint8_t> stub_elf, std::span<const uint8_t> kernel_elf) {
    tool::KernelLayout stub = read_layout(stub_elf, "stub");
    if (!pvh_entry(stub_elf)) throw tool::input_error("stub: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
    KernelMemoryImage kernel = kernel_memory_image(kernel_elf);
    std::vector<uint8_t> block = compress_block(kernel.bytes);

    PackedKernel packed;
    image::PackedKernelHeader& header = packed.header;
    std::memcpy(header.magic, image::kPackedKernelMagic, sizeof header.magic);
    header.header_size = sizeof header;
    header.entry = kernel.entry;
    header.load_address = kernel.load_address;
    header.image_bytes = kernel.bytes.size();
    header.memory_bytes = kernel.memory_bytes;
    header.compressed_bytes = block.size();
    header.content_bytes = kernel.content_bytes;

    uint64_t header_address = image::packed_kernel_address(stub.phys_end);
    uint64_t packed_end = header_address + sizeof header + block.size();
    if (packed_end > kernel.load_address)
        throw tool::input_error("kernel: compressed to " + std::to_string(block.size()) + " bytes, it ends at " +
                                hex(packed_end) + ", past its load address " + hex(kernel.load_address) +
                                " (the stub ends at " + hex(stub.phys_end) +
                                "); raise KERNEL_PHYS in kernel/arch/x86_64/linker.ld");

    std::vector<uint8_t> packed_bytes(sizeof header);
    std::memcpy(packed_bytes.data(), &header, sizeof header);
    packed_bytes.insert(packed_bytes.end(), block.begin(), block.end());
    std::vector<uint8_t> notes = packed_notes(stub_elf, kernel_elf);

    std::vector<elf::Elf64_Phdr> stub_loads = loads_of(stub);
    ElfWriter writer(stub.header.e_entry, stub_loads.size() + 3);
    for (const elf::Elf64_Phdr& ph : stub_loads) {
        elf::Elf64_Phdr copy = load_segment(ph.p_paddr, ph.p_memsz, ph.p_flags);
        writer.add(copy, stub_elf.subspan(ph.p_offset, std::min(ph.p_filesz, ph.p_memsz)));
    }
    writer.add(load_segment(header_address, packed_bytes.size(), elf::kPfRead), packed_bytes);
    constexpr uint32_t kAll = elf::kPfRead | elf::kPfWrite | elf::kPfExecute;
    writer.add(load_segment(kernel.load_address, kernel.memory_bytes, kAll), {});
    elf::Elf64_Phdr note{};
    note.p_type = elf::kPtNote;
    note.p_flags = elf::kPfRead;
    note.p_align = kNoteAlign;
    writer.add(note, notes);
    packed.file = writer.finish();
    return packed;
}

}  // namespace ingot::pack
