// check_elf(): valid programs, every kind of malformed or hostile header, and real binaries.
#include <elf/elf_check.h>

#include "elf_test_builder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace {

using ingot::elf::check_elf;
using ingot::elf::ElfCheck;
using ingot::elf::ElfProblem;
using ingot::testing::ElfTestBuilder;
namespace elf = ingot::elf;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

ElfProblem problem_of(const std::vector<uint8_t>& file) { return check_elf(file).problem(); }
ElfProblem problem_of(const ElfTestBuilder& b) { return problem_of(b.build()); }

std::vector<uint8_t> read_binary(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ElfCheck, AcceptsStaticExecutable) {
    ElfCheck c = check_elf(ElfTestBuilder::static_executable().build());
    ASSERT_TRUE(c.ok()) << elf::describe(c.problem());
    const elf::ElfInfo& info = c.info();
    EXPECT_FALSE(info.is_pie);
    EXPECT_EQ(info.entry, 0x401000u);
    EXPECT_EQ(info.phoff, 64u);
    EXPECT_EQ(info.phnum, 3u);
    EXPECT_EQ(info.phentsize, 56u);
    ASSERT_EQ(info.load_count, 3u);
    EXPECT_EQ(info.load_segments().size(), 3u);
    EXPECT_EQ(info.lowest_vaddr, 0x400000u);
    EXPECT_EQ(info.end_vaddr, 0x403000u);
    const elf::ElfSegment& data = info.load[2];
    EXPECT_EQ(data.vaddr, 0x402000u);
    EXPECT_EQ(data.memsz, 0x1000u);
    EXPECT_EQ(data.offset, 0x2000u);
    EXPECT_EQ(data.filesz, 0x10u);
    EXPECT_EQ(data.align, 0x1000u);
    EXPECT_TRUE(data.readable());
    EXPECT_TRUE(data.writable());
    EXPECT_FALSE(data.executable());
    EXPECT_TRUE(info.load[1].executable());
    EXPECT_FALSE(info.executable_stack);
    EXPECT_FALSE(info.has_tls);
    // The headers sit in the first segment (offset 0 at 0x400000), so AT_PHDR = 0x400040.
    EXPECT_TRUE(info.phdrs_mapped);
    EXPECT_EQ(info.phdr_vaddr, 0x400040u);
}

TEST(ElfCheck, AcceptsStaticPie) {
    ElfCheck c = check_elf(ElfTestBuilder::static_pie().build());
    ASSERT_TRUE(c.ok()) << elf::describe(c.problem());
    EXPECT_TRUE(c.info().is_pie);
    EXPECT_EQ(c.info().lowest_vaddr, 0u);
    EXPECT_EQ(c.info().end_vaddr, 0x3000u);
    EXPECT_EQ(c.info().phdr_vaddr, 0x40u);
}

TEST(ElfCheck, PtPhdrNamesTheProgramHeaderAddress) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.add(elf::kPtPhdr, elf::kPfRead, 0x400040, 4 * 56, 4 * 56, 64, 8);
    ElfCheck c = check_elf(b.build());
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c.info().phdrs_mapped);
    EXPECT_EQ(c.info().phdr_vaddr, 0x400040u);
}

TEST(ElfCheck, UnmappedProgramHeadersAreReported) {
    ElfTestBuilder b;
    b.load(0x401000, 0x100, 0x100, elf::kPfRead | elf::kPfExecute, 0x1000);
    b.header.e_entry = 0x401000;
    ElfCheck c = check_elf(b.build());
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c.info().phdrs_mapped);
}

TEST(ElfCheck, PtPhdrOutsideAnySegmentFallsBackToTheFileOffset) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.add(elf::kPtPhdr, elf::kPfRead, 0x900000, 4 * 56, 4 * 56, 64, 8);
    ElfCheck c = check_elf(b.build());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.info().phdr_vaddr, 0x400040u);
}

TEST(ElfCheck, ExecutableStackAndTls) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.add(elf::kPtGnuStack, elf::kPfRead | elf::kPfWrite | elf::kPfExecute, 0, 0, 0, 0, 16);
    b.add(elf::kPtTls, elf::kPfRead, 0x402000, 0x8, 0x40, 0x2000, 8);
    ElfCheck c = check_elf(b.build());
    ASSERT_TRUE(c.ok()) << elf::describe(c.problem());
    EXPECT_TRUE(c.info().executable_stack);
    ASSERT_TRUE(c.info().has_tls);
    EXPECT_EQ(c.info().tls.vaddr, 0x402000u);
    EXPECT_EQ(c.info().tls.filesz, 8u);
    EXPECT_EQ(c.info().tls.memsz, 0x40u);
    EXPECT_EQ(c.info().tls.align, 8u);

    ElfTestBuilder nx = ElfTestBuilder::static_executable();
    nx.add(elf::kPtGnuStack, elf::kPfRead | elf::kPfWrite, 0, 0, 0, 0, 16);
    EXPECT_FALSE(check_elf(nx.build()).info().executable_stack);
}

TEST(ElfCheck, EmptyLoadSegmentsAreIgnored) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.load(0x10, 0, 0, elf::kPfRead, 0);  // would be out of user space and order if it counted
    ElfCheck c = check_elf(b.build());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.info().load_count, 3u);
}

TEST(ElfCheck, SegmentMayEndExactlyAtTheUserLimit) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.load(elf::kUserImageEnd - 0x1000, 0, 0x1000, elf::kPfRead | elf::kPfWrite, 0x3000);
    EXPECT_TRUE(check_elf(b.build()).ok());
    b.phdrs.back().p_memsz = 0x1001;
    EXPECT_EQ(problem_of(b), ElfProblem::AddressOutsideUserSpace);
}

TEST(ElfCheck, EveryTruncatedPrefixIsRejected) {
    std::vector<uint8_t> file = ElfTestBuilder::static_executable().build();
    for (size_t len = 0; len < file.size(); ++len) {
        std::vector<uint8_t> prefix(file.begin(), file.begin() + static_cast<ptrdiff_t>(len));
        ElfCheck c = check_elf(prefix);
        ASSERT_FALSE(c.ok()) << "prefix of " << len << " bytes accepted";
        if (len == 0) EXPECT_EQ(c.problem(), ElfProblem::NotElf);
        else if (len < 64) EXPECT_EQ(c.problem(), ElfProblem::TruncatedHeader) << len;
        else if (len < 64 + 3 * 56) EXPECT_EQ(c.problem(), ElfProblem::ProgramHeadersOutsideFile) << len;
        else EXPECT_EQ(c.problem(), ElfProblem::SegmentOutsideFile) << len;
    }
}

TEST(ElfCheck, NotElf) {
    EXPECT_EQ(problem_of(std::vector<uint8_t>{}), ElfProblem::NotElf);
    std::string text = "#!/bin/sh\necho hello\n";
    EXPECT_EQ(problem_of(std::vector<uint8_t>(text.begin(), text.end())), ElfProblem::NotElf);
    std::vector<uint8_t> almost = ElfTestBuilder::static_executable().build();
    almost[3] = 'G';
    EXPECT_EQ(problem_of(almost), ElfProblem::NotElf);
    EXPECT_EQ(problem_of(std::vector<uint8_t>{0x7F, 'E', 'X'}), ElfProblem::NotElf);
    EXPECT_EQ(problem_of(std::vector<uint8_t>{0x7F, 'E', 'L'}), ElfProblem::TruncatedHeader);
}

TEST(ElfCheck, Elf32IsNamed) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.header.e_ident[elf::kIdentClass] = elf::kClass32;
    EXPECT_EQ(problem_of(b), ElfProblem::Elf32);
    // A real ELF32 header is only 52 bytes: the class decides before the length.
    std::vector<uint8_t> small = b.build();
    small.resize(52);
    EXPECT_EQ(problem_of(small), ElfProblem::Elf32);
}

TEST(ElfCheck, BadIdentification) {
    for (int field : {static_cast<int>(elf::kIdentClass), static_cast<int>(elf::kIdentData),
                      static_cast<int>(elf::kIdentVersion)}) {
        for (uint8_t value : {uint8_t{0}, uint8_t{3}, uint8_t{0xFF}}) {
            ElfTestBuilder b = ElfTestBuilder::static_executable();
            b.header.e_ident[field] = value;
            EXPECT_EQ(problem_of(b), ElfProblem::BadIdentification) << field << " = " << int(value);
        }
    }
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.header.e_version = 2;
    EXPECT_EQ(problem_of(b), ElfProblem::BadIdentification);
}

TEST(ElfCheck, BigEndian) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.header.e_ident[elf::kIdentData] = elf::kDataBigEndian;
    EXPECT_EQ(problem_of(b), ElfProblem::BigEndian);
}

TEST(ElfCheck, WrongMachineCarriesTheMachineNumber) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.header.e_machine = 183;
    ElfCheck c = check_elf(b.build());
    EXPECT_EQ(c.problem(), ElfProblem::WrongMachine);
    EXPECT_EQ(c.detail(), 183u);
    EXPECT_STREQ(elf::machine_name(183), "AArch64");
    EXPECT_STREQ(elf::machine_name(elf::kMachineI386), "Intel 80386");
    EXPECT_EQ(elf::machine_name(0x7777), nullptr);
}

TEST(ElfCheck, NotExecutable) {
    for (uint16_t type : {elf::kTypeRelocatable, elf::kTypeCore, uint16_t{0}, uint16_t{0xFE00}}) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        b.header.e_type = type;
        EXPECT_EQ(problem_of(b), ElfProblem::NotExecutable) << type;
    }
}

TEST(ElfCheck, InterpreterMeansDynamic) {
    for (ElfTestBuilder b : {ElfTestBuilder::static_executable(), ElfTestBuilder::static_pie()}) {
        b.add(elf::kPtInterp, elf::kPfRead, 0x400200, 28, 28, 0x200, 1);
        EXPECT_EQ(problem_of(b), ElfProblem::Dynamic);
    }
    // Reported even when the segments are also broken: it is the more useful message.
    ElfTestBuilder broken = ElfTestBuilder::static_executable();
    broken.phdrs[1].p_offset = kMax;
    broken.add(elf::kPtInterp, elf::kPfRead, 0, 28, 28, 0x200, 1);
    EXPECT_EQ(problem_of(broken), ElfProblem::Dynamic);
}

TEST(ElfCheck, ProgramHeaderTableChecks) {
    ElfTestBuilder none = ElfTestBuilder::static_executable();
    none.phdrs.clear();
    EXPECT_EQ(problem_of(none), ElfProblem::NoLoadableSegments);

    ElfTestBuilder entsize = ElfTestBuilder::static_executable();
    entsize.header.e_phentsize = 32;
    ElfCheck c = check_elf(entsize.build());
    EXPECT_EQ(c.problem(), ElfProblem::BadProgramHeaderSize);
    EXPECT_EQ(c.detail(), 32u);

    for (uint16_t phnum : {uint16_t{elf::kMaxProgramHeaders + 1}, elf::kPhnumExtended, uint16_t{0xFFFE}}) {
        ElfTestBuilder many = ElfTestBuilder::static_executable();
        many.header.e_phnum = phnum;
        EXPECT_EQ(problem_of(many.build(true)), ElfProblem::TooManyProgramHeaders) << phnum;
    }
    ElfTestBuilder beyond = ElfTestBuilder::static_executable();
    beyond.header.e_phnum = 200;  // allowed count, but the table runs past the end of the file
    EXPECT_EQ(problem_of(beyond.build(true)), ElfProblem::ProgramHeadersOutsideFile);

    for (uint64_t phoff : {kMax, kMax - 55, kMax - 56 * 3 + 1, uint64_t{0x2010} - 56}) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        b.header.e_phoff = phoff;
        EXPECT_EQ(problem_of(b), ElfProblem::ProgramHeadersOutsideFile) << phoff;
    }
}

TEST(ElfCheck, SegmentOutsideTheFile) {
    struct Case { uint64_t offset, filesz; };
    for (Case k : {Case{kMax, 1}, Case{kMax - 0xF, 0x20}, Case{0x2000, kMax}, Case{0x2000, 0x11},
                   Case{0x100000, 0}, Case{0x2011, 0}}) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        std::vector<uint8_t> file = b.build();
        ASSERT_EQ(file.size(), 0x2010u);
        b.phdrs[2].p_offset = k.offset;
        b.phdrs[2].p_filesz = k.filesz;
        b.phdrs[2].p_memsz = 0x1000;
        b.phdrs[2].p_vaddr = 0x402000 + (k.offset & 0xFFF);
        b.write_headers(file);
        EXPECT_EQ(problem_of(file), ElfProblem::SegmentOutsideFile) << k.offset << "+" << k.filesz;
    }
}

TEST(ElfCheck, FileSizeLargerThanMemorySize) {
    ElfTestBuilder b = ElfTestBuilder::static_executable();
    b.phdrs[1].p_memsz = 0x80;  // filesz stays 0x100
    EXPECT_EQ(problem_of(b), ElfProblem::FileSizeLargerThanMemSize);
}

TEST(ElfCheck, MisalignedSegments) {
    ElfTestBuilder page = ElfTestBuilder::static_executable();
    page.phdrs[1].p_vaddr = 0x401010;  // page offset 0x010, file offset 0x000
    page.header.e_entry = 0x401010;
    EXPECT_EQ(problem_of(page), ElfProblem::MisalignedSegment);

    ElfTestBuilder not_power = ElfTestBuilder::static_executable();
    not_power.phdrs[1].p_align = 0x3000;
    EXPECT_EQ(problem_of(not_power), ElfProblem::MisalignedSegment);

    ElfTestBuilder big = ElfTestBuilder::static_executable();
    big.phdrs[2].p_vaddr = 0x403000;  // same page offset as file offset 0x2000, not modulo 2 MiB
    EXPECT_TRUE(check_elf(big.build()).ok());
    big.phdrs[2].p_align = 0x200000;
    EXPECT_EQ(problem_of(big), ElfProblem::MisalignedSegment);

    ElfTestBuilder unaligned_ok = ElfTestBuilder::static_executable();
    unaligned_ok.phdrs[1].p_align = 0;
    EXPECT_TRUE(check_elf(unaligned_ok.build()).ok());
}

TEST(ElfCheck, AddressesOutsideUserSpace) {
    struct Case { uint64_t vaddr, memsz; };
    for (Case k : {Case{0x0, 0x1000}, Case{0xFFFFFFFF80000000, 0x1000}, Case{elf::kUserImageEnd, 0x1000},
                   Case{0x0000800000000000, 0x1000}, Case{0x402000, kMax}, Case{kMax - 0xFFF, 0x2000},
                   Case{0x7FFEFFFFF000, 0x2000}}) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        b.phdrs[2].p_vaddr = k.vaddr;
        b.phdrs[2].p_memsz = k.memsz;
        EXPECT_EQ(problem_of(b), ElfProblem::AddressOutsideUserSpace) << std::hex << k.vaddr;
    }
    // A PIE may start at 0, but not reach past the limit either.
    ElfTestBuilder pie = ElfTestBuilder::static_pie();
    pie.phdrs[2].p_memsz = kMax - 0x1000;
    EXPECT_EQ(problem_of(pie), ElfProblem::AddressOutsideUserSpace);
}

TEST(ElfCheck, OverlappingOrUnorderedSegments) {
    ElfTestBuilder overlap = ElfTestBuilder::static_executable();
    overlap.phdrs[1].p_memsz = 0x1001;  // reaches the first byte of the data segment
    EXPECT_EQ(problem_of(overlap), ElfProblem::OverlappingSegments);

    ElfTestBuilder unordered = ElfTestBuilder::static_executable();
    std::swap(unordered.phdrs[1], unordered.phdrs[2]);
    EXPECT_EQ(problem_of(unordered), ElfProblem::OverlappingSegments);
}

TEST(ElfCheck, TooManyLoadSegments) {
    ElfTestBuilder b;
    for (uint64_t i = 0; i <= elf::kMaxLoadSegments; ++i)
        b.load(0x400000 + i * 0x1000, 0x10, 0x10, elf::kPfRead | elf::kPfExecute, 0x1000 + i * 0x1000);
    b.header.e_entry = 0x400000;
    EXPECT_EQ(problem_of(b), ElfProblem::TooManyLoadSegments);
    b.phdrs.pop_back();
    EXPECT_TRUE(check_elf(b.build()).ok());
}

TEST(ElfCheck, NoLoadableSegments) {
    ElfTestBuilder b;
    b.add(elf::kPtGnuStack, elf::kPfRead | elf::kPfWrite, 0, 0, 0, 0, 16);
    b.add(elf::kPtNote, elf::kPfRead, 0, 0x20, 0x20, 0x100, 4);
    EXPECT_EQ(problem_of(b), ElfProblem::NoLoadableSegments);
}

TEST(ElfCheck, EntryMustBeInAnExecutableSegment) {
    for (uint64_t entry : {uint64_t{0}, uint64_t{0x400000}, uint64_t{0x402000}, uint64_t{0x401100},
                           uint64_t{0x500000}, kMax}) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        b.header.e_entry = entry;
        EXPECT_EQ(problem_of(b), ElfProblem::EntryOutsideExecutableSegments) << std::hex << entry;
    }
    ElfTestBuilder last_byte = ElfTestBuilder::static_executable();
    last_byte.header.e_entry = 0x4010FF;
    EXPECT_TRUE(check_elf(last_byte.build()).ok());
}

TEST(ElfCheck, MalformedTls) {
    auto with_tls = [](uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t offset, uint64_t align) {
        ElfTestBuilder b = ElfTestBuilder::static_executable();
        b.add(elf::kPtTls, elf::kPfRead, vaddr, filesz, memsz, offset, align);
        return problem_of(b);
    };
    EXPECT_EQ(with_tls(0x402000, 8, 0x40, kMax - 4, 8), ElfProblem::SegmentOutsideFile);
    EXPECT_EQ(with_tls(0x402000, 0x10, 0x8, 0x2000, 8), ElfProblem::FileSizeLargerThanMemSize);
    EXPECT_EQ(with_tls(0x402000, 8, 0x40, 0x2000, 24), ElfProblem::BadTlsSegment);
    EXPECT_EQ(with_tls(0x402000, 8, kMax, 0x2000, 8), ElfProblem::BadTlsSegment);
    EXPECT_EQ(with_tls(0x900000, 8, 0x40, 0x2000, 8), ElfProblem::BadTlsSegment);
    EXPECT_EQ(with_tls(0x402FFC, 8, 0x40, 0x2000, 8), ElfProblem::BadTlsSegment);  // runs off the segment
    EXPECT_EQ(with_tls(0x0, 0, 0x40, 0, 8), ElfProblem::None);                    // bss-only TLS

    ElfTestBuilder twice = ElfTestBuilder::static_executable();
    twice.add(elf::kPtTls, elf::kPfRead, 0x402000, 8, 0x40, 0x2000, 8);
    twice.add(elf::kPtTls, elf::kPfRead, 0x402000, 8, 0x40, 0x2000, 8);
    EXPECT_EQ(problem_of(twice), ElfProblem::BadTlsSegment);
}

TEST(ElfCheck, EveryProblemHasItsOwnMessage) {
    std::set<std::string> messages;
    for (int p = 0; p <= static_cast<int>(ElfProblem::BadTlsSegment); ++p) {
        std::string m = elf::describe(static_cast<ElfProblem>(p));
        EXPECT_FALSE(m.empty());
        EXPECT_EQ(m.find('\n'), std::string::npos);
        messages.insert(m);
    }
    EXPECT_EQ(messages.size(), static_cast<size_t>(ElfProblem::BadTlsSegment) + 1);
    EXPECT_STREQ(elf::describe(ElfProblem::Dynamic), "dynamically linked (has an interpreter); link it with -static");
    EXPECT_STREQ(elf::describe(ElfProblem::Elf32), "32-bit ELF; Ingot runs x86_64 (64-bit) programs");
}

// Flipping any single header byte must never crash or read out of bounds (run under ASan/UBSan
// to see the latter); many flips stay valid, the rest give a problem.
TEST(ElfCheck, SurvivesEverySingleByteCorruptionOfTheHeaders) {
    std::vector<uint8_t> file = ElfTestBuilder::static_executable().build();
    for (size_t i = 0; i < 64 + 3 * 56; ++i) {
        for (uint8_t value : {uint8_t{0}, uint8_t{0x80}, uint8_t{0xFF}}) {
            std::vector<uint8_t> corrupt = file;
            corrupt[i] = value;
            ElfCheck c = check_elf(corrupt);
            if (c.ok()) {
                for (const elf::ElfSegment& s : c.info().load_segments()) {
                    EXPECT_LE(s.offset + s.filesz, corrupt.size());
                    EXPECT_LE(s.end(), elf::kUserImageEnd);
                }
            }
        }
    }
}

TEST(ElfCheckRealBinaries, StaticExecutable) {
    std::vector<uint8_t> file = read_binary(ELF_FIXTURE_STATIC);
    ASSERT_FALSE(file.empty());
    ElfCheck c = check_elf(file);
    ASSERT_TRUE(c.ok()) << elf::describe(c.problem());
    EXPECT_FALSE(c.info().is_pie);
    EXPECT_GE(c.info().lowest_vaddr, 0x400000u);
    EXPECT_TRUE(c.info().phdrs_mapped);
    EXPECT_TRUE(c.info().has_tls);  // glibc's static startup always has a PT_TLS
    EXPECT_FALSE(c.info().executable_stack);
}

TEST(ElfCheckRealBinaries, StaticPie) {
    std::vector<uint8_t> file = read_binary(ELF_FIXTURE_STATIC_PIE);
    ASSERT_FALSE(file.empty());
    ElfCheck c = check_elf(file);
    ASSERT_TRUE(c.ok()) << elf::describe(c.problem());
    EXPECT_TRUE(c.info().is_pie);
    EXPECT_EQ(c.info().lowest_vaddr, 0u);
    EXPECT_TRUE(c.info().phdrs_mapped);
}

TEST(ElfCheckRealBinaries, DynamicProgramsAreRefused) {
    std::vector<uint8_t> file = read_binary(ELF_FIXTURE_DYNAMIC);
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(check_elf(file).problem(), ElfProblem::Dynamic);
    std::vector<uint8_t> ls = read_binary("/bin/ls");
    if (!ls.empty()) EXPECT_EQ(check_elf(ls).problem(), ElfProblem::Dynamic);
}

TEST(ElfCheckRealBinaries, RelocatableObjectIsRefused) {
    // The first bytes of the fixture, re-typed as ET_REL, stand in for a .o file.
    std::vector<uint8_t> file = read_binary(ELF_FIXTURE_STATIC);
    ASSERT_GE(file.size(), 64u);
    file[16] = static_cast<uint8_t>(elf::kTypeRelocatable);
    file[17] = 0;
    EXPECT_EQ(check_elf(file).problem(), ElfProblem::NotExecutable);
}

}  // namespace
