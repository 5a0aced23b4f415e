// Which kernel `ingot build` casts with a program (tools/ingot/kernel_choice.h): the
// symbol-table decisions, the forcing options, the feature note of a kernel, the smallest
// embedded kernel that fits, the --verbose report, and the command line that carries them.
#include <ingot/build_report.h>
#include <ingot/command_line.h>
#include <ingot/kernel_choice.h>
#include <ingot/tool_error.h>

#include <elf/elf64.h>
#include <image/kernel_features.h>
#include <image/packed_kernel.h>

#include "elf_test_builder.h"
#include "symbol_file_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
namespace elf = ingot::elf;
namespace image = ingot::image;
using ingot::testing::append_note;
using ingot::testing::SymbolFile;

constexpr uint32_t kBase = 0, kLoopback = image::kFeatureNet, kNet = image::kFeatureNet | image::kFeatureNetCard;
constexpr uint32_t kProcess = image::kFeatureProcess, kPoll = image::kFeaturePoll, kBlock = image::kFeatureBlock;

std::vector<uint8_t> program_with(std::vector<std::string> names, uint16_t shndx = 1) {
    SymbolFile file;
    file.symbols.clear();
    uint64_t value = 0x401000;
    for (const std::string& name : names) file.symbols.push_back({name, value += 0x40, 0x40, elf::kSttFunc, shndx});
    return file.build();
}

std::vector<uint8_t> stripped_program() {
    std::vector<uint8_t> file = program_with({"main"});
    auto* header = reinterpret_cast<elf::Elf64_Ehdr*>(file.data());
    header->e_shoff = 0;
    header->e_shnum = 0;
    return file;
}

TEST(KernelChoice, ProgramWithoutSocketFunctionsGetsTheBaseKernel) {
    KernelChoice choice = choose_kernel(program_with({"main", "printf", "write", "socket_helper"}), {});
    EXPECT_EQ(choice.features, kBase);
    EXPECT_NE(choice.reason.find("no socket function"), std::string::npos) << choice.reason;
}

TEST(KernelChoice, EachSocketFunctionOfGlibcMuslAndGoSelectsTheNetwork) {
    for (const char* name : {"socket", "__socket", "socketpair", "connect", "__libc_connect", "bind", "listen",
                             "accept", "accept4", "__libc_accept", "syscall.socket"}) {
        KernelChoice choice = choose_kernel(program_with({"main", name}), {});
        EXPECT_EQ(choice.features, kNet) << name;
        EXPECT_NE(choice.reason.find(name), std::string::npos) << choice.reason;
    }
}

TEST(KernelChoice, AnUndefinedSocketSymbolIsNoUse) {
    EXPECT_EQ(choose_kernel(program_with({"main", "socket"}, elf::kShnUndef), {}).features, kBase);
}

TEST(KernelChoice, NoNetworkCardMeansLoopbackOnly) {
    FeatureRequest request;
    request.no_card = true;
    EXPECT_EQ(choose_kernel(program_with({"connect"}), request).features, kLoopback);
    // A program without sockets needs no stack at all, card or not.
    EXPECT_EQ(choose_kernel(program_with({"main"}), request).features, kBase);
}

TEST(KernelChoice, AStrippedProgramGetsTheNetworkAndTheReasonSaysWhy) {
    EXPECT_EQ(find_socket_use(stripped_program()).kind, SymbolUse::Kind::Unknown);
    KernelChoice choice = choose_kernel(stripped_program(), {});
    EXPECT_EQ(choice.features, kNet | kProcess | kPoll);
    EXPECT_NE(choice.reason.find("stripped"), std::string::npos) << choice.reason;
}

TEST(KernelChoice, ForcingOptionsWinOverTheSymbolTable) {
    FeatureRequest with = parse_feature_options({"net"}, {});
    EXPECT_EQ(choose_kernel(program_with({"main"}), with).features, kNet);
    with.no_card = true;
    EXPECT_EQ(choose_kernel(program_with({"main"}), with).features, kLoopback);
    FeatureRequest without = parse_feature_options({}, {"net"});
    EXPECT_EQ(choose_kernel(program_with({"socket"}), without).features, kBase);
    EXPECT_EQ(choose_kernel(stripped_program(), without).features, kProcess | kPoll);
    FeatureRequest lean = parse_feature_options({}, {"net,process,poll"});
    EXPECT_EQ(choose_kernel(stripped_program(), lean).features, kBase);
}

TEST(KernelChoice, FeatureOptionsRejectUnknownAndContradictoryNames) {
    EXPECT_THROW(parse_feature_options({"gpu"}, {}), ToolError);
    EXPECT_THROW(parse_feature_options({}, {""}), ToolError);
    EXPECT_THROW(parse_feature_options({"net"}, {"net"}), ToolError);
    EXPECT_THROW(parse_feature_options({"block"}, {"net,block"}), ToolError);
    EXPECT_EQ(parse_feature_options({"net,net"}, {}).net, true);
    FeatureRequest both = parse_feature_options({"block"}, {"net"});
    EXPECT_EQ(both.block, true);
    EXPECT_EQ(both.net, false);
}

TEST(KernelChoice, ProcessAndPollFunctionsBringTheirFeatures) {
    for (const char* name : {"fork", "_Fork", "__libc_fork", "vfork", "execve", "posix_spawn", "__spawni",
                             "syscall.forkExec"}) {
        KernelChoice choice = choose_kernel(program_with({"main", name}), {});
        EXPECT_EQ(choice.features, kProcess) << name;
        EXPECT_NE(choice.reason.find(std::string("defines ") + name), std::string::npos) << choice.reason;
    }
    for (const char* name : {"poll", "__poll", "select", "epoll_create1", "epoll_wait", "eventfd", "runtime.netpollinit"})
        EXPECT_EQ(choose_kernel(program_with({"main", name}), {}).features, kPoll) << name;
    EXPECT_EQ(choose_kernel(program_with({"main", "fork"}, elf::kShnUndef), {}).features, kBase);
    FeatureRequest without = parse_feature_options({}, {"process"});
    EXPECT_EQ(choose_kernel(program_with({"fork", "poll"}), without).features, kPoll);
    FeatureRequest with = parse_feature_options({"process,poll"}, {});
    KernelChoice choice = choose_kernel(program_with({"main"}), with);
    EXPECT_EQ(choice.features, kProcess | kPoll);
    EXPECT_NE(choice.reason.find("--with process"), std::string::npos) << choice.reason;
}

TEST(KernelChoice, DisksBringDiskSupportAndNothingElseDoes) {
    std::vector<uint8_t> plain = program_with({"main"});
    EXPECT_EQ(choose_kernel(plain, {}).features & kBlock, 0u);
    EXPECT_EQ(choose_kernel(stripped_program(), {}).features & kBlock, 0u);  // stripped: everything but disks

    FeatureRequest volume;
    request_disks(volume, "--volume");
    KernelChoice choice = choose_kernel(plain, volume);
    EXPECT_EQ(choice.features, kBlock);
    EXPECT_NE(choice.reason.find("--volume needs disk support"), std::string::npos) << choice.reason;

    FeatureRequest with = parse_feature_options({"block"}, {});
    with.no_card = true;
    choice = choose_kernel(program_with({"connect"}), with);
    EXPECT_EQ(choice.features, kLoopback | kBlock);
    EXPECT_NE(choice.reason.find("--with block"), std::string::npos) << choice.reason;

    FeatureRequest without = parse_feature_options({}, {"block"});
    EXPECT_THROW(request_disks(without, "--disk"), ToolError);
    EXPECT_EQ(choose_kernel(plain, without).features, kBase);
}

TEST(KernelChoice, VariantNamesListTheFeaturesNetworkFirst) {
    EXPECT_EQ(variant_name(kBase), "base");
    EXPECT_EQ(variant_name(kBlock), "block");
    EXPECT_EQ(variant_name(kProcess | kPoll | kBlock), "process+poll+block");
    EXPECT_EQ(variant_name(kLoopback | kPoll), "loopback+poll");
    EXPECT_EQ(variant_name(kNet | kProcess | kPoll | kBlock), "net+process+poll+block");
}

TEST(KernelChoice, HostileSymbolTablesAreNoUseOrUnknownNeverACrash) {
    std::vector<uint8_t> file = program_with({"socket"});
    auto* header = reinterpret_cast<elf::Elf64_Ehdr*>(file.data());
    header->e_shoff = file.size() - 8;  // section table past the end
    EXPECT_EQ(find_socket_use(file).kind, SymbolUse::Kind::Unknown);
    EXPECT_EQ(find_socket_use(std::vector<uint8_t>(10, 0x7f)).kind, SymbolUse::Kind::Unknown);
}

// A kernel-like ELF with one PT_NOTE holding `notes` (already laid out).
std::vector<uint8_t> elf_with_notes(const std::vector<uint8_t>& notes) {
    std::vector<uint8_t> file(0x200 + notes.size(), 0);
    elf::Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, elf::kMagic, 4);
    eh.e_ident[elf::kIdentClass] = elf::kClass64;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(elf::Elf64_Phdr);
    eh.e_phnum = 1;
    std::memcpy(file.data(), &eh, sizeof eh);
    elf::Elf64_Phdr ph{};
    ph.p_type = elf::kPtNote;
    ph.p_offset = 0x200;
    ph.p_filesz = notes.size();
    std::memcpy(file.data() + sizeof eh, &ph, sizeof ph);
    std::memcpy(file.data() + 0x200, notes.data(), notes.size());
    return file;
}

// A kernel-like ELF file of `size` bytes whose note declares `features`.
std::vector<uint8_t> kernel_with(uint32_t features, size_t size) {
    std::vector<uint8_t> notes;
    append_note(notes, "Ingot", image::kFeatureNoteType, features);
    std::vector<uint8_t> file = elf_with_notes(notes);
    file.resize(size, 0);
    return file;
}

TEST(KernelChoice, TheSmallestEmbeddedKernelWithEveryNeededFeatureServes) {
    std::vector<std::vector<uint8_t>> files = {kernel_with(kNet | kProcess | kPoll, 5000), kernel_with(kBase, 1000),
                                               kernel_with(kProcess | kPoll, 1800), kernel_with(kPoll, 1400),
                                               std::vector<uint8_t>(700, 0)};
    std::vector<std::span<const uint8_t>> blobs(files.begin(), files.end());
    EmbeddedKernels embedded = EmbeddedKernels::from_blobs(blobs);
    ASSERT_EQ(embedded.kernels.size(), 4u);  // the one without a note is not a kernel
    EXPECT_EQ(embedded.smallest_with(kBase)->bytes.size(), 1000u);
    EXPECT_EQ(embedded.smallest_with(kPoll)->bytes.size(), 1400u);
    EXPECT_EQ(embedded.smallest_with(kProcess)->bytes.size(), 1800u);
    EXPECT_EQ(embedded.smallest_with(kLoopback)->bytes.size(), 5000u);
    EXPECT_EQ(embedded.smallest_with(kBlock), nullptr);
    EXPECT_THROW(load_kernel(embedded, kBlock), ToolError);
    LoadedKernel loaded = load_kernel(embedded, kProcess);
    EXPECT_EQ(loaded.features, kProcess | kPoll);
    EXPECT_EQ(loaded.bytes.size(), 1800u);
}

TEST(KernelChoice, FeatureNoteIsFoundAfterOtherNotes) {
    std::vector<uint8_t> notes;
    append_note(notes, "Xen", 18, 0x100000);
    append_note(notes, "Ingot", image::kFeatureNoteType, image::kFeatureNet);
    EXPECT_EQ(read_kernel_features(elf_with_notes(notes)), image::kFeatureNet);
}

TEST(KernelChoice, KernelsWithoutTheNoteOrWithABrokenOneSayNothing) {
    std::vector<uint8_t> notes;
    append_note(notes, "Xen", 18, 0x100000);
    EXPECT_EQ(read_kernel_features(elf_with_notes(notes)), std::nullopt);
    append_note(notes, "Ingot", image::kFeatureNoteType, 3);
    notes.resize(notes.size() - 2);  // descriptor cut short
    EXPECT_EQ(read_kernel_features(elf_with_notes(notes)), std::nullopt);
    EXPECT_EQ(read_kernel_features(std::vector<uint8_t>(64, 0)), std::nullopt);
}

TEST(KernelChoice, VerboseReportNamesTheVariantAndEachPartsSize) {
    std::vector<std::vector<uint8_t>> files = {
        kernel_with(kBase, 1000),          kernel_with(kBlock, 1400),
        kernel_with(kProcess, 1100),       kernel_with(kProcess | kPoll, 1300),
        kernel_with(kLoopback | kProcess | kPoll, 2000), kernel_with(kNet | kProcess | kPoll, 2300),
        kernel_with(kNet | kProcess | kPoll | kBlock, 2650)};
    std::vector<std::span<const uint8_t>> blobs(files.begin(), files.end());
    EmbeddedKernels embedded = EmbeddedKernels::from_blobs(blobs);
    KernelChoice choice{kBase, "the program defines no socket function"};
    std::string report = describe_build(choice, load_kernel(embedded, kBase), embedded, std::vector<uint8_t>(5000));
    EXPECT_NE(report.find("kernel variant base: the program defines no socket function"), std::string::npos) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +kernel +1000 bytes"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +core +1000 bytes"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +net +700 bytes .*left out"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +netcard +300 bytes"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +process +100 bytes .*left out"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +poll +200 bytes .*left out"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +block +400 bytes .*left out"))) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +image +5000 bytes"))) << report;

    // Disk support beside the card driver costs what net+process+poll+block adds to net+process+poll.
    choice = {kNet | kBlock, "--with net; --volume needs disk support"};
    report = describe_build(choice, load_kernel(embedded, choice.features), embedded, std::vector<uint8_t>(5000));
    EXPECT_NE(report.find("kernel variant net+process+poll+block: --with net; --volume"), std::string::npos) << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +block +350 bytes .*\\(virtio-blk"))) << report;
    EXPECT_EQ(report.find("left out"), std::string::npos) << report;
}

// A packed kernel-like ELF of `size` bytes (image/packed_kernel.h): the feature note, and a
// PT_LOAD starting with the packed kernel's header, which gives `uncompressed` bytes of code
// and data.
std::vector<uint8_t> packed_kernel_with(uint32_t features, size_t size, uint64_t uncompressed) {
    std::vector<uint8_t> file = kernel_with(features, size);
    constexpr uint64_t kHeaderOffset = 0x100;  // between the program headers and the notes
    image::PackedKernelHeader header{};
    std::memcpy(header.magic, image::kPackedKernelMagic, sizeof header.magic);
    header.header_size = sizeof header;
    header.content_bytes = uncompressed;
    std::memcpy(file.data() + kHeaderOffset, &header, sizeof header);
    elf::Elf64_Phdr load{};
    load.p_type = elf::kPtLoad;
    load.p_offset = kHeaderOffset;
    load.p_filesz = load.p_memsz = sizeof header;
    std::memcpy(file.data() + sizeof(elf::Elf64_Ehdr) + sizeof(elf::Elf64_Phdr), &load, sizeof load);
    reinterpret_cast<elf::Elf64_Ehdr*>(file.data())->e_phnum = 2;
    return file;
}

TEST(KernelChoice, VerboseReportGivesPackedKernelsUncompressedToo) {
    std::vector<std::vector<uint8_t>> files = {packed_kernel_with(kBase, 1000, 3000),
                                               packed_kernel_with(kProcess, 1100, 3400),
                                               packed_kernel_with(kPoll, 1300, 3900)};
    std::vector<std::span<const uint8_t>> blobs(files.begin(), files.end());
    EmbeddedKernels embedded = EmbeddedKernels::from_blobs(blobs);
    KernelChoice choice{kProcess, "--with process"};
    std::string report = describe_build(choice, load_kernel(embedded, kProcess), embedded, std::vector<uint8_t>(5000));
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +kernel +1100 bytes \\(1.1 KiB\\) compressed, 3400 bytes "
                                                     "\\(3.3 KiB\\) uncompressed\n")))
        << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +core +1000 bytes \\(1.0 KiB\\), 3000 uncompressed\n")))
        << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +process +100 bytes \\(0.1 KiB\\), 400 uncompressed \\(fork")))
        << report;
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +poll +300 bytes \\(0.3 KiB\\), 900 uncompressed .*left out")))
        << report;

    // A kernel from $INGOT_KERNEL that is not packed has one size.
    LoadedKernel plain{std::vector<uint8_t>(2000), "INGOT_KERNEL=/k", ~0u};
    report = describe_build(choice, plain, embedded, std::vector<uint8_t>(5000));
    EXPECT_TRUE(std::regex_search(report, std::regex("ingot: +kernel +2000 bytes \\(2.0 KiB\\)\n"))) << report;
}

TEST(KernelChoice, CommandLineCarriesTheFeatureOptions) {
    auto parse = [](std::vector<std::string> args) {
        args.insert(args.begin(), "ingot");
        return parse_command_line(args);
    };
    ParsedCommandLine build = parse({"build", "prog", "-o", "img", "--with", "net", "--net", "none", "--verbose"});
    EXPECT_EQ(build.build.features.net, true);
    EXPECT_TRUE(build.build.features.no_card);
    EXPECT_TRUE(build.build.verbose);
    ParsedCommandLine run = parse({"run", "prog", "--without", "net"});
    EXPECT_EQ(run.run.features.net, false);
    EXPECT_FALSE(run.run.features.no_card);
    EXPECT_FALSE(run.run.network_asked);
    ParsedCommandLine run_none = parse({"run", "prog", "--net", "none"});
    EXPECT_TRUE(run_none.run.features.no_card);
    EXPECT_TRUE(run_none.run.network_asked);
    EXPECT_THROW(parse({"build", "prog", "-o", "img", "--with", "disk"}), ToolError);

    ParsedCommandLine volume = parse({"build", "prog", "-o", "img", "--volume", "/data"});
    EXPECT_STREQ(volume.build.features.disks, "--volume");
    ParsedCommandLine disk = parse({"run", "prog", "--disk", "d.img"});
    EXPECT_STREQ(disk.run.features.disks, "--disk");
    EXPECT_EQ(parse({"run", "prog", "--with", "block"}).run.features.block, true);
    EXPECT_EQ(parse({"run", "prog"}).run.features.disks, nullptr);
    EXPECT_THROW(parse({"run", "prog", "--volume", "d.img:/data", "--without", "block"}), ToolError);
    EXPECT_THROW(parse({"build", "prog", "-o", "img", "--volume", "/data", "--without", "block"}), ToolError);
}

}  // namespace
