// The image `ingot build` writes (kernel/image/format.h): payload layout, the extra PT_LOAD, the
// kernel left intact, reading the payload back, and replacing it.
#include <ingot/build_command.h>
#include <ingot/image_reader.h>
#include <ingot/image_writer.h>
#include <ingot/payload_builder.h>
#include <ingot/tool_error.h>

#include <elf/elf_check.h>
#include <image/format.h>

#include "elf_test_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
namespace elf = ingot::elf;
namespace image = ingot::image;
using ingot::testing::ElfTestBuilder;

// A kernel laid out like Ingot's: linked in the top 2 GiB, loaded at physical 1 MiB, with .bss
// making the last segment larger in memory than in the file.
std::vector<uint8_t> fake_kernel() {
    ElfTestBuilder b;
    constexpr uint64_t kVma = 0xFFFFFFFF80000000;
    b.load(kVma + 0x100000, 0x800, 0x800, elf::kPfRead | elf::kPfExecute, 0x1000).p_paddr = 0x100000;
    b.add(elf::kPtNote, elf::kPfRead, kVma + 0x100800, 0x14, 0x14, 0x1800, 4).p_paddr = 0x100800;
    b.load(kVma + 0x102000, 0x100, 0x5123, elf::kPfRead | elf::kPfWrite, 0x2000).p_paddr = 0x102000;
    b.header.e_entry = 0x100000;
    return b.build();
}

std::vector<uint8_t> program() { return ElfTestBuilder::static_executable().build(); }

std::vector<uint8_t> read_binary(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

elf::Elf64_Ehdr header_of(const std::vector<uint8_t>& file) {
    elf::Elf64_Ehdr eh{};
    std::memcpy(&eh, file.data(), sizeof eh);
    return eh;
}

std::vector<elf::Elf64_Phdr> phdrs_of(const std::vector<uint8_t>& file) {
    elf::Elf64_Ehdr eh = header_of(file);
    std::vector<elf::Elf64_Phdr> out(eh.e_phnum);
    EXPECT_LE(eh.e_phoff + eh.e_phnum * sizeof(elf::Elf64_Phdr), file.size());
    std::memcpy(out.data(), file.data() + eh.e_phoff, out.size() * sizeof(elf::Elf64_Phdr));
    return out;
}

std::span<const uint8_t> as_bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(PayloadBuilder, LayoutFollowsTheFormat) {
    std::vector<uint8_t> prog = program();
    std::string files = "0707010000...fake cpio";
    PayloadContents c;
    c.program = prog;
    c.files = as_bytes(files);
    c.records = make_config_records({"/hello", "a b"}, {"K=V"}, {"log=debug"});
    c.mem_bytes = 128u << 20;
    c.program_path = "/hello";
    std::vector<uint8_t> payload = build_payload(c);

    image::PayloadHeader h{};
    std::memcpy(&h, payload.data(), sizeof h);
    EXPECT_EQ(std::memcmp(h.magic, "INGOTPL1", 8), 0);
    EXPECT_EQ(h.version, image::kPayloadVersion);
    EXPECT_EQ(h.header_size, sizeof(image::PayloadHeader));
    EXPECT_EQ(h.total_size, payload.size());
    EXPECT_EQ(h.mem_bytes, 128u << 20);
    EXPECT_STREQ(h.program_path, "/hello");
    for (uint64_t offset : {h.program_offset, h.files_offset, h.config_offset}) EXPECT_EQ(offset % 16, 0u);
    EXPECT_GE(h.program_offset, sizeof h);
    EXPECT_GE(h.files_offset, h.program_offset + h.program_size);
    EXPECT_GE(h.config_offset, h.files_offset + h.files_size);
    EXPECT_EQ(h.config_offset + h.config_size, h.total_size);
    EXPECT_EQ(h.program_size, prog.size());
    EXPECT_EQ(std::memcmp(payload.data() + h.program_offset, prog.data(), prog.size()), 0);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(payload.data() + h.files_offset), h.files_size), files);
    std::string config(reinterpret_cast<const char*>(payload.data() + h.config_offset), h.config_size);
    EXPECT_EQ(config, std::string("a/hello\0aa b\0eK=V\0klog=debug\0", 29));
}

TEST(PayloadBuilder, EmptyFilesAndNoRecords) {
    std::vector<uint8_t> prog = program();
    PayloadContents c;
    c.program = prog;
    c.program_path = "/p";
    std::vector<uint8_t> payload = build_payload(c);
    image::PayloadHeader h{};
    std::memcpy(&h, payload.data(), sizeof h);
    EXPECT_EQ(h.files_size, 0u);
    EXPECT_EQ(h.config_size, 0u);
    EXPECT_EQ(h.mem_bytes, 0u);
    EXPECT_EQ(h.total_size, payload.size());
}

TEST(PayloadBuilder, RefusesWhatCannotBeStored) {
    PayloadContents c;
    c.program_path = "/" + std::string(63, 'x');
    EXPECT_THROW(build_payload(c), ToolError);
    c.program_path = "/ok";
    c.records = {std::string("a\0b", 3)};
    EXPECT_THROW(build_payload(c), ToolError);
}

TEST(PayloadBuilder, GuestProgramPath) {
    EXPECT_EQ(guest_program_path("hello"), "/hello");
    EXPECT_EQ(guest_program_path("/usr/local/bin/server"), "/server");
    EXPECT_EQ(guest_program_path("build/bin/app/"), "/app");
    EXPECT_EQ(guest_program_path(std::string(62, 'n')), "/" + std::string(62, 'n'));
    EXPECT_THROW(guest_program_path(std::string(63, 'n')), ToolError);
    EXPECT_THROW(guest_program_path("/"), ToolError);
    EXPECT_THROW(guest_program_path(".."), ToolError);
}

TEST(ImageWriter, AppendsThePayloadSegmentWhereTheFormatSays) {
    std::vector<uint8_t> kernel = fake_kernel();
    std::vector<uint8_t> payload(10000);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 13);
    std::vector<uint8_t> img = write_image(kernel, payload);

    // The kernel's bytes after the ELF header are untouched; the header changes only in e_ph*.
    ASSERT_GE(img.size(), kernel.size());
    EXPECT_EQ(std::memcmp(img.data() + 64, kernel.data() + 64, kernel.size() - 64), 0);
    elf::Elf64_Ehdr before = header_of(kernel), after = header_of(img);
    EXPECT_EQ(after.e_phnum, before.e_phnum + 1);
    EXPECT_EQ(after.e_entry, before.e_entry);
    EXPECT_EQ(after.e_shoff, before.e_shoff);
    EXPECT_EQ(after.e_phoff % 8, 0u);
    after.e_phoff = before.e_phoff;
    after.e_phnum = before.e_phnum;
    EXPECT_EQ(std::memcmp(&after, &before, sizeof before), 0);

    std::vector<elf::Elf64_Phdr> kernel_phdrs = phdrs_of(kernel), image_phdrs = phdrs_of(img);
    ASSERT_EQ(image_phdrs.size(), kernel_phdrs.size() + 1);
    for (size_t i = 0; i < kernel_phdrs.size(); ++i)
        EXPECT_EQ(std::memcmp(&image_phdrs[i], &kernel_phdrs[i], sizeof(elf::Elf64_Phdr)), 0) << i;
    const elf::Elf64_Phdr& p = image_phdrs.back();
    EXPECT_EQ(p.p_type, elf::kPtLoad);
    EXPECT_EQ(p.p_flags, elf::kPfRead);
    EXPECT_EQ(p.p_offset % 4096, 0u);
    EXPECT_GE(p.p_offset, kernel.size());
    // Kernel segments end at physical 0x102000 + 0x5123: the payload goes at 0x108000.
    EXPECT_EQ(p.p_paddr, 0x108000u);
    EXPECT_EQ(p.p_paddr, image::payload_phys_address(0x102000 + 0x5123));
    EXPECT_EQ(p.p_vaddr, p.p_paddr);
    EXPECT_EQ(p.p_filesz, payload.size());
    EXPECT_EQ(p.p_memsz, payload.size());
    EXPECT_EQ(p.p_align, 4096u);
    EXPECT_EQ(std::memcmp(img.data() + p.p_offset, payload.data(), payload.size()), 0);
}

TEST(ImageWriter, RefusesBadKernels) {
    std::vector<uint8_t> payload(200);
    auto refuses = [&](std::vector<uint8_t> kernel) {
        try {
            write_image(kernel, payload);
        } catch (const ToolError& e) {
            EXPECT_EQ(e.status(), kStatusBadInput);
            EXPECT_EQ(std::string(e.what()).rfind("kernel image: ", 0), 0u) << e.what();
            return true;
        }
        return false;
    };
    EXPECT_TRUE(refuses({}));
    EXPECT_TRUE(refuses({'h', 'e', 'l', 'l', 'o'}));
    std::vector<uint8_t> k = fake_kernel();
    k[elf::kIdentClass] = elf::kClass32;
    EXPECT_TRUE(refuses(k));
    k = fake_kernel();
    k[18] = 3;  // e_machine = EM_386
    EXPECT_TRUE(refuses(k));
    k = fake_kernel();
    k.resize(100);  // program headers cut off
    EXPECT_TRUE(refuses(k));
    ElfTestBuilder no_load;
    no_load.add(elf::kPtNote, elf::kPfRead, 0, 4, 4, 0x100, 4);
    EXPECT_TRUE(refuses(no_load.build()));
    ElfTestBuilder outside;
    outside.load(0x100000, 0x1000, 0x1000, elf::kPfRead, 0x10000000);
    std::vector<uint8_t> o = outside.build();
    o.resize(0x2000);
    outside.write_headers(o);
    EXPECT_TRUE(refuses(o));
    ElfTestBuilder overflow;
    overflow.load(0x1000, 0x10, ~uint64_t{0} - 0x100, elf::kPfRead, 0x1000).p_paddr = 0x1000;
    EXPECT_TRUE(refuses(overflow.build()));
}

TEST(ImageReader, FindsThePayloadOfABuiltImage) {
    std::vector<uint8_t> prog = program();
    std::string files = "archive bytes";
    std::vector<uint8_t> img = build_image_bytes(fake_kernel(), prog, "/path/to/server", as_bytes(files),
                                                 {"--port", "80"}, {"HOME=/"}, 256u << 20);
    std::optional<ImagePayload> p = find_payload(img);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->segment_index, 3u);
    EXPECT_EQ(p->file_offset % 4096, 0u);
    EXPECT_STREQ(p->header.program_path, "/server");
    EXPECT_EQ(p->header.mem_bytes, 256u << 20);
    EXPECT_TRUE(std::equal(p->program.begin(), p->program.end(), prog.begin(), prog.end()));
    EXPECT_EQ(std::string(p->files.begin(), p->files.end()), files);
    EXPECT_EQ(p->records, (std::vector<std::string>{"a/server", "a--port", "a80", "eHOME=/"}));
    EXPECT_EQ(payload_argv0(*p), "/server");
    // The program inside is still a valid program.
    EXPECT_TRUE(elf::check_elf(p->program).ok());
}

TEST(ImageReader, PlainProgramsAndOtherFilesHaveNoPayload) {
    EXPECT_FALSE(find_payload(program()));
    EXPECT_FALSE(find_payload(fake_kernel()));
    EXPECT_FALSE(find_payload(std::vector<uint8_t>{}));
    EXPECT_FALSE(find_payload(std::vector<uint8_t>(1000, 'x')));
}

TEST(ImageReader, CorruptPayloadsAreErrorsNotCrashes) {
    std::vector<uint8_t> img = build_image_bytes(fake_kernel(), program(), "p", {}, {"x"}, {}, 0);
    uint64_t at = find_payload(img)->file_offset;
    auto corrupt = [&](size_t field_offset, uint64_t value) {
        std::vector<uint8_t> bad = img;
        std::memcpy(bad.data() + at + field_offset, &value, sizeof value);
        EXPECT_THROW(find_payload(bad), ToolError) << field_offset;
    };
    corrupt(offsetof(image::PayloadHeader, total_size), 1);
    corrupt(offsetof(image::PayloadHeader, program_offset), ~uint64_t{0} - 4);
    corrupt(offsetof(image::PayloadHeader, program_size), ~uint64_t{0});
    corrupt(offsetof(image::PayloadHeader, files_offset), 1u << 30);
    corrupt(offsetof(image::PayloadHeader, config_size), 1u << 20);
    std::vector<uint8_t> bad_version = img;
    bad_version[at + 8] = 9;
    EXPECT_THROW(find_payload(bad_version), ToolError);
    std::vector<uint8_t> unterminated = img;
    const image::PayloadHeader* h = reinterpret_cast<const image::PayloadHeader*>(img.data() + at);
    unterminated[at + h->config_offset + h->config_size - 1] = 'x';
    EXPECT_THROW(find_payload(unterminated), ToolError);
    // Every truncation either loses the payload segment or is reported; none crashes.
    for (size_t len = 0; len < img.size(); len += 97) {
        std::vector<uint8_t> cut(img.begin(), img.begin() + static_cast<ptrdiff_t>(len));
        try {
            EXPECT_FALSE(find_payload(cut));
        } catch (const ToolError&) {
        }
    }
}

TEST(ImageReader, PayloadCanBeReplaced) {
    std::vector<uint8_t> kernel = fake_kernel();
    std::vector<uint8_t> first = build_image_bytes(kernel, program(), "app", {}, {"one"}, {}, 0);
    std::optional<ImagePayload> p = find_payload(first);
    ASSERT_TRUE(p);
    std::string files = "new files";
    PayloadContents c;
    c.program = p->program;
    c.files = as_bytes(files);
    c.records = p->records;
    c.program_path = p->header.program_path;
    std::vector<uint8_t> second = write_image(kernel_of_image(first, *p), build_payload(c));

    std::vector<elf::Elf64_Phdr> original = phdrs_of(kernel), rebuilt = phdrs_of(second);
    ASSERT_EQ(rebuilt.size(), original.size() + 1);
    for (size_t i = 0; i < original.size(); ++i)
        EXPECT_EQ(std::memcmp(&rebuilt[i], &original[i], sizeof(elf::Elf64_Phdr)), 0) << i;
    EXPECT_EQ(rebuilt.back().p_paddr, phdrs_of(first).back().p_paddr);
    std::optional<ImagePayload> q = find_payload(second);
    ASSERT_TRUE(q);
    EXPECT_EQ(std::string(q->files.begin(), q->files.end()), files);
    EXPECT_EQ(q->records, p->records);
    EXPECT_EQ(std::memcmp(second.data() + 64, kernel.data() + 64, kernel.size() - 64), 0);
}

TEST(ImageWriter, RealStubKernelAndRealProgram) {
    std::vector<uint8_t> kernel = read_binary(PVH_STUB_KERNEL);
    std::vector<uint8_t> prog = read_binary(ELF_FIXTURE_STATIC);
    ASSERT_FALSE(kernel.empty());
    ASSERT_FALSE(prog.empty());
    std::vector<uint8_t> img = build_image_bytes(kernel, prog, ELF_FIXTURE_STATIC, {}, {}, {}, 0);
    KernelLayout layout = read_kernel_layout(kernel);
    std::vector<elf::Elf64_Phdr> phdrs = phdrs_of(img);
    EXPECT_EQ(phdrs.back().p_paddr, image::payload_phys_address(layout.phys_end));
    std::optional<ImagePayload> p = find_payload(img);
    ASSERT_TRUE(p);
    EXPECT_TRUE(std::equal(p->program.begin(), p->program.end(), prog.begin(), prog.end()));
}

TEST(CheckProgram, MessagesNameTheFileAndTheProblem) {
    auto message = [](std::vector<uint8_t> bytes) {
        try {
            check_program(bytes, "dir/app");
        } catch (const ToolError& e) {
            EXPECT_EQ(e.status(), kStatusBadInput);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message(program()), "accepted");
    EXPECT_EQ(message({}), "dir/app: not an ELF file");
    std::vector<uint8_t> arm = program();
    arm[18] = 40;
    EXPECT_EQ(message(arm), "dir/app: not an x86_64 program (machine 40, ARM)");
    arm[18] = 0x77;
    EXPECT_EQ(message(arm), "dir/app: not an x86_64 program (machine 119)");
    EXPECT_EQ(message(read_binary(ELF_FIXTURE_DYNAMIC)),
              "dir/app: dynamically linked (has an interpreter); link it with -static");
}

}  // namespace
