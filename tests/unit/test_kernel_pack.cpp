// ingot-kernel-pack (tools/kernel_pack): the packed kernel's layout (kernel/image/packed_kernel.h),
// that its block decodes to the kernel's memory image, that its notes still say what the kernel
// has, that `ingot build` still puts the payload right after the kernel, and what it refuses.
#include <kernel_pack/kernel_packer.h>

#include <ingot/image_reader.h>
#include <ingot/image_writer.h>
#include <ingot/kernel_choice.h>
#include <ingot/packed_kernel_reader.h>
#include <ingot/tool_error.h>

#include <elf/elf_notes.h>
#include <image/format.h>
#include <image/kernel_features.h>
#include <image/packed_kernel.h>
#include <lib/lz4_block.h>

#include "elf_test_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

namespace elf = ingot::elf;
namespace image = ingot::image;
namespace pack = ingot::pack;
using ingot::testing::append_note;
using ingot::testing::ElfTestBuilder;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t kVma = 0xFFFFFFFF80000000;
constexpr uint32_t kXenPhys32Entry = 18;
constexpr uint32_t kFeatures = image::kFeatureNet | image::kFeaturePoll;

// Writes `notes` into `file` at `offset`.
void put(Bytes& file, uint64_t offset, const Bytes& bytes) { std::memcpy(file.data() + offset, bytes.data(), bytes.size()); }

// A kernel laid out like Ingot's (arch/x86_64/linker.ld): linked in the top 2 GiB, loaded at
// 2 MiB, text, then a note segment with its PVH entry and features, then data with .bss.
Bytes fake_kernel(uint64_t load = 0x200000, uint32_t entry = 0x200010) {
    ElfTestBuilder b;
    b.load(kVma + load, 0x800, 0x800, elf::kPfRead | elf::kPfExecute, 0x1000).p_paddr = load;
    b.add(elf::kPtNote, elf::kPfRead, kVma + load + 0x800, 44, 44, 0x1800, 4).p_paddr = load + 0x800;
    b.load(kVma + load + 0x2000, 0x100, 0x5123, elf::kPfRead | elf::kPfWrite, 0x2000).p_paddr = load + 0x2000;
    b.header.e_entry = kVma + load;
    Bytes file = b.build();
    Bytes notes;
    append_note(notes, "Xen", kXenPhys32Entry, entry);
    append_note(notes, "Ingot", image::kFeatureNoteType, kFeatures);
    put(file, 0x1800, notes);
    return file;
}

// A stub like arch/x86_64/unpack: one segment at 1 MiB with .bss, and its own PVH entry note.
Bytes fake_stub() {
    ElfTestBuilder b;
    b.load(0x100000, 0x200, 0x3001, elf::kPfRead | elf::kPfWrite | elf::kPfExecute, 0x1000);
    b.add(elf::kPtNote, elf::kPfRead, 0x100100, 20, 20, 0x1100, 4);
    b.header.e_entry = 0x100000;
    Bytes file = b.build();
    Bytes notes;
    append_note(notes, "Xen", kXenPhys32Entry, 0x100000);
    put(file, 0x1100, notes);
    return file;
}

std::vector<elf::Elf64_Phdr> program_headers(const Bytes& file) {
    elf::Elf64_Ehdr eh{};
    std::memcpy(&eh, file.data(), sizeof eh);
    std::vector<elf::Elf64_Phdr> headers(eh.e_phnum);
    std::memcpy(headers.data(), file.data() + eh.e_phoff, headers.size() * sizeof(elf::Elf64_Phdr));
    return headers;
}

void expect_input_error(const Bytes& stub, const Bytes& kernel, const std::string& message) {
    try {
        pack::pack_kernel(stub, kernel);
        ADD_FAILURE() << "packed, expected: " << message;
    } catch (const ingot::tool::ToolError& e) {
        EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        EXPECT_EQ(e.status(), ingot::tool::kStatusBadInput);
    }
}

TEST(KernelPack, MemoryImageIsTheSegmentsFileBytesWithZeroedGaps) {
    Bytes kernel = fake_kernel();
    pack::KernelMemoryImage memory = pack::kernel_memory_image(kernel);
    EXPECT_EQ(memory.load_address, 0x200000u);
    EXPECT_EQ(memory.entry, 0x200010u);
    EXPECT_EQ(memory.memory_bytes, 0x7123u);
    EXPECT_EQ(memory.content_bytes, 0x900u);
    ASSERT_EQ(memory.bytes.size(), 0x2100u);
    EXPECT_TRUE(std::equal(memory.bytes.begin(), memory.bytes.begin() + 0x800, kernel.begin() + 0x1000));
    EXPECT_TRUE(std::all_of(memory.bytes.begin() + 0x800, memory.bytes.begin() + 0x2000, [](uint8_t b) { return b == 0; }));
    EXPECT_TRUE(std::equal(memory.bytes.begin() + 0x2000, memory.bytes.end(), kernel.begin() + 0x2000));
}

TEST(KernelPack, PackedKernelIsStubThenCompressedKernelThenItsMemory) {
    Bytes stub = fake_stub(), kernel = fake_kernel();
    pack::PackedKernel packed = pack::pack_kernel(stub, kernel);
    std::vector<elf::Elf64_Phdr> headers = program_headers(packed.file);
    ASSERT_EQ(headers.size(), 4u);

    const elf::Elf64_Phdr& stub_segment = headers[0];
    EXPECT_EQ(stub_segment.p_type, elf::kPtLoad);
    EXPECT_EQ(stub_segment.p_paddr, 0x100000u);
    EXPECT_EQ(stub_segment.p_filesz, 0x200u);
    EXPECT_EQ(stub_segment.p_memsz, 0x3001u);
    EXPECT_TRUE(std::equal(stub.begin() + 0x1000, stub.begin() + 0x1200, packed.file.begin() + static_cast<ptrdiff_t>(stub_segment.p_offset)));

    const elf::Elf64_Phdr& compressed = headers[1];
    EXPECT_EQ(compressed.p_type, elf::kPtLoad);
    EXPECT_EQ(compressed.p_paddr, image::packed_kernel_address(0x103001));
    EXPECT_EQ(compressed.p_paddr, 0x103010u);
    image::PackedKernelHeader header{};
    std::memcpy(&header, packed.file.data() + compressed.p_offset, sizeof header);
    EXPECT_EQ(std::memcmp(header.magic, image::kPackedKernelMagic, 8), 0);
    EXPECT_EQ(header.entry, 0x200010u);
    EXPECT_EQ(header.load_address, 0x200000u);
    EXPECT_EQ(header.image_bytes, 0x2100u);
    EXPECT_EQ(header.memory_bytes, 0x7123u);
    EXPECT_EQ(header.content_bytes, 0x900u);
    EXPECT_EQ(compressed.p_filesz, sizeof header + header.compressed_bytes);
    EXPECT_EQ(std::memcmp(&header, &packed.header, sizeof header), 0);

    std::span<const uint8_t> block(packed.file.data() + compressed.p_offset + sizeof header, header.compressed_bytes);
    Bytes decoded(header.image_bytes);
    ingot::lz4::DecodeResult result = ingot::lz4::decode_block(block, decoded);
    ASSERT_TRUE(result.ok()) << ingot::lz4::describe(result.error);
    EXPECT_EQ(result.written, header.image_bytes);
    EXPECT_EQ(decoded, pack::kernel_memory_image(kernel).bytes);

    const elf::Elf64_Phdr& reservation = headers[2];
    EXPECT_EQ(reservation.p_type, elf::kPtLoad);
    EXPECT_EQ(reservation.p_paddr, 0x200000u);
    EXPECT_EQ(reservation.p_filesz, 0u);
    EXPECT_EQ(reservation.p_memsz, 0x7123u);
    EXPECT_EQ(headers[3].p_type, elf::kPtNote);

    auto found = ingot::tool::find_packed_kernel(packed.file);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->compressed_bytes, header.compressed_bytes);
    EXPECT_FALSE(ingot::tool::find_packed_kernel(kernel).has_value());
}

TEST(KernelPack, NotesGiveTheStubsEntryAndTheKernelsFeatures) {
    pack::PackedKernel packed = pack::pack_kernel(fake_stub(), fake_kernel());
    std::vector<uint32_t> entries;
    elf::find_note(packed.file, [&](const elf::ElfNote& note) {
        if (note.name == "Xen" && note.type == kXenPhys32Entry) {
            uint32_t entry;
            std::memcpy(&entry, note.descriptor.data(), sizeof entry);
            entries.push_back(entry);
        }
        return false;
    });
    EXPECT_EQ(entries, std::vector<uint32_t>{0x100000});  // the stub's, and only it
    EXPECT_EQ(ingot::tool::read_kernel_features(packed.file), kFeatures);
    EXPECT_EQ(program_headers(packed.file).size(), 4u);
    elf::Elf64_Ehdr eh{};
    std::memcpy(&eh, packed.file.data(), sizeof eh);
    EXPECT_EQ(eh.e_entry, 0x100000u);
}

TEST(KernelPack, ThePayloadStillGoesRightAfterTheKernel) {
    pack::PackedKernel packed = pack::pack_kernel(fake_stub(), fake_kernel());
    EXPECT_EQ(ingot::tool::read_kernel_layout(packed.file).phys_end, 0x207123u);
    Bytes payload(200, 0);
    std::memcpy(payload.data(), image::kPayloadMagic, sizeof image::kPayloadMagic);
    Bytes image_file = ingot::tool::write_image(packed.file, payload);
    std::vector<elf::Elf64_Phdr> headers = program_headers(image_file);
    ASSERT_EQ(headers.size(), 5u);
    // Where the kernel looks: the first 4 KiB boundary after its own end (image/format.h).
    EXPECT_EQ(headers[4].p_paddr, image::payload_phys_address(0x207123));
    EXPECT_EQ(ingot::tool::read_kernel_features(image_file), kFeatures);
    EXPECT_TRUE(ingot::tool::find_packed_kernel(image_file).has_value());
}

TEST(KernelPack, RefusesWhatCannotBePacked) {
    Bytes stub = fake_stub();
    expect_input_error(stub, Bytes(100, 0), "kernel: not an ELF file");
    expect_input_error(Bytes(100, 0), fake_kernel(), "stub: not an ELF file");

    Bytes no_entry = fake_kernel();
    Bytes other_note;
    append_note(other_note, "Ingot", image::kFeatureNoteType, kFeatures);
    append_note(other_note, "Ingot", image::kFeatureNoteType, kFeatures);
    put(no_entry, 0x1800, other_note);
    expect_input_error(stub, no_entry, "kernel: no PVH entry note");
    expect_input_error(stub, fake_kernel(0x200000, 0x300000), "kernel: its PVH entry 0x300000 is outside");

    // The compressed kernel must end before the kernel's load address.
    expect_input_error(stub, fake_kernel(0x103040, 0x103040), "past its load address 0x103040");
    // The stub maps the first GiB only.
    expect_input_error(stub, fake_kernel(0x3fffe000, 0x3fffe000), "past the 0x40000000 the unpacking stub maps");
}

}  // namespace
