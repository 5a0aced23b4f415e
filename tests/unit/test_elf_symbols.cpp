// find_function_symbol(): lookups in a hand-made symbol table, hostile section tables, and a real
// static binary.
#include <elf/elf_symbols.h>

#include <elf/elf64.h>

#include "symbol_file_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace elf = ingot::elf;
using elf::find_function_symbol;

using ingot::testing::kShdrOffset;
using ingot::testing::kSymtabOffset;
using ingot::testing::SymbolFile;

elf::Elf64_Shdr& section(std::vector<uint8_t>& file, int index) {
    return *reinterpret_cast<elf::Elf64_Shdr*>(file.data() + kShdrOffset + index * sizeof(elf::Elf64_Shdr));
}

elf::Elf64_Ehdr& header(std::vector<uint8_t>& file) { return *reinterpret_cast<elf::Elf64_Ehdr*>(file.data()); }

bool lookup(const std::vector<uint8_t>& file, uint64_t addr, std::string* name = nullptr, uint64_t* offset = nullptr) {
    std::string_view found;
    uint64_t off = 0;
    bool ok = find_function_symbol(file, addr, found, off);
    if (name) *name = std::string(found);
    if (offset) *offset = off;
    return ok;
}

TEST(ElfSymbols, FindsTheContainingFunction) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    std::string name;
    uint64_t offset = 99;
    ASSERT_TRUE(lookup(file, 0x401000, &name, &offset));
    EXPECT_EQ(name, "main");
    EXPECT_EQ(offset, 0u);
    ASSERT_TRUE(lookup(file, 0x40103F, &name, &offset));
    EXPECT_EQ(name, "main");
    EXPECT_EQ(offset, 0x3Fu);
    ASSERT_TRUE(lookup(file, 0x401041, &name, &offset));
    EXPECT_EQ(name, "parse_args");
    EXPECT_EQ(offset, 1u);
}

TEST(ElfSymbols, IgnoresGapsObjectsAndUndefinedSymbols) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    EXPECT_FALSE(lookup(file, 0x400FFF));
    EXPECT_FALSE(lookup(file, 0x401060));  // between parse_args and the object
    EXPECT_FALSE(lookup(file, 0x401075));  // inside an STT_OBJECT only
    EXPECT_FALSE(lookup(file, 0x401085));  // an undefined symbol's "range"
}

TEST(ElfSymbols, SizelessSymbolsMatchOnlyTheirAddress) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    std::string name;
    ASSERT_TRUE(lookup(file, 0x402000, &name));
    EXPECT_EQ(name, "asm_entry");
    EXPECT_FALSE(lookup(file, 0x402001));
}

TEST(ElfSymbols, NoSectionTable) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    header(file).e_shoff = 0;
    EXPECT_FALSE(lookup(file, 0x401000));
    std::vector<uint8_t> f2 = SymbolFile{}.build();
    header(f2).e_shnum = 0;
    EXPECT_FALSE(lookup(f2, 0x401000));
}

TEST(ElfSymbols, HostileSectionTables) {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    const std::vector<uint8_t> valid = SymbolFile{}.build();
    auto broken = [&valid](auto mutate) {
        std::vector<uint8_t> file = valid;
        mutate(file);
        return lookup(file, 0x401000);
    };
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { header(f).e_shoff = kMax - 10; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { header(f).e_shoff = f.size() - 64; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { header(f).e_shnum = 0xFFFF; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { header(f).e_shentsize = 40; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { header(f).e_ident[elf::kIdentClass] = elf::kClass32; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_offset = kMax - 8; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_size = kMax; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_entsize = 16; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_link = 3; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_link = 0xFFFFFFFF; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 1).sh_link = 1; }));  // links to itself, not a strtab
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 2).sh_offset = kMax; }));
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 2).sh_size = kMax - 0x300; }));
    // A string table that ends before the name's NUL: the name is not trusted.
    EXPECT_FALSE(broken([](std::vector<uint8_t>& f) { section(f, 2).sh_size = 3; }));
}

TEST(ElfSymbols, NameOffsetOutsideTheStringTableIsSkipped) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    auto* main_sym = reinterpret_cast<elf::Elf64_Sym*>(file.data() + kSymtabOffset + sizeof(elf::Elf64_Sym));
    main_sym->st_name = 0xFFFFFFF0;
    EXPECT_FALSE(lookup(file, 0x401000));
    std::string name;
    EXPECT_TRUE(lookup(file, 0x401040, &name));
    EXPECT_EQ(name, "parse_args");
}

TEST(ElfSymbols, PartialTrailingEntryIsIgnored) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    section(file, 1).sh_size = 2 * sizeof(elf::Elf64_Sym) + 5;  // null, main, then 5 stray bytes
    EXPECT_TRUE(lookup(file, 0x401000));
    EXPECT_FALSE(lookup(file, 0x401040));
}

TEST(ElfSymbols, EveryPrefixIsSafe) {
    std::vector<uint8_t> file = SymbolFile{}.build();
    for (size_t len = 0; len < file.size(); ++len) {
        std::vector<uint8_t> prefix(file.begin(), file.begin() + static_cast<ptrdiff_t>(len));
        EXPECT_FALSE(lookup(prefix, 0x401000)) << len;
    }
}

TEST(ElfSymbols, RealStaticBinaryNamesItsEntryPoint) {
    std::ifstream in(ELF_FIXTURE_STATIC, std::ios::binary);
    std::vector<uint8_t> file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_GE(file.size(), sizeof(elf::Elf64_Ehdr));
    uint64_t entry = header(file).e_entry;
    std::string name;
    uint64_t offset = 1;
    ASSERT_TRUE(lookup(file, entry, &name, &offset));
    EXPECT_EQ(name, "_start");
    EXPECT_EQ(offset, 0u);
    ASSERT_TRUE(lookup(file, entry + 4, &name, &offset));
    EXPECT_EQ(name, "_start");
    EXPECT_EQ(offset, 4u);
}

}  // namespace
