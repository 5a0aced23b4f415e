// SymbolFile: a small ELF file with sections [null, .symtab, .strtab] holding the symbols
// given, for tests of symbol lookups (elf/elf_symbols.h and what builds on it).
#pragma once

#include <elf/elf64.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ingot::testing {

constexpr uint64_t kSymtabOffset = 0x100;
constexpr uint64_t kStrtabOffset = 0x400;
constexpr uint64_t kShdrOffset = 0x600;

// An ELF file with sections [null, .symtab, .strtab] and the symbols given.
struct SymbolFile {
    struct Symbol {
        std::string name;
        uint64_t value, size;
        uint8_t type = ingot::elf::kSttFunc;
        uint16_t shndx = 1;
    };

    std::vector<uint8_t> build() const {
        std::vector<uint8_t> file(kShdrOffset + 3 * sizeof(ingot::elf::Elf64_Shdr), 0);
        ingot::elf::Elf64_Ehdr eh{};
        std::memcpy(eh.e_ident, ingot::elf::kMagic, 4);
        eh.e_ident[ingot::elf::kIdentClass] = ingot::elf::kClass64;
        eh.e_ident[ingot::elf::kIdentData] = ingot::elf::kDataLittleEndian;
        eh.e_ident[ingot::elf::kIdentVersion] = 1;
        eh.e_type = ingot::elf::kTypeExecutable;
        eh.e_machine = ingot::elf::kMachineX86_64;
        eh.e_shoff = kShdrOffset;
        eh.e_shentsize = sizeof(ingot::elf::Elf64_Shdr);
        eh.e_shnum = 3;
        std::memcpy(file.data(), &eh, sizeof eh);

        std::string strings(1, '\0');
        std::vector<ingot::elf::Elf64_Sym> syms(1);  // index 0 is the null symbol
        for (const Symbol& s : symbols) {
            ingot::elf::Elf64_Sym sym{};
            sym.st_name = static_cast<uint32_t>(strings.size());
            sym.st_info = s.type;
            sym.st_shndx = s.shndx;
            sym.st_value = s.value;
            sym.st_size = s.size;
            syms.push_back(sym);
            strings += s.name;
            strings.push_back('\0');
        }
        std::memcpy(file.data() + kSymtabOffset, syms.data(), syms.size() * sizeof(ingot::elf::Elf64_Sym));
        std::memcpy(file.data() + kStrtabOffset, strings.data(), strings.size());

        ingot::elf::Elf64_Shdr sh[3] = {};
        sh[1].sh_type = ingot::elf::kShtSymtab;
        sh[1].sh_offset = kSymtabOffset;
        sh[1].sh_size = syms.size() * sizeof(ingot::elf::Elf64_Sym);
        sh[1].sh_entsize = sizeof(ingot::elf::Elf64_Sym);
        sh[1].sh_link = 2;
        sh[2].sh_type = ingot::elf::kShtStrtab;
        sh[2].sh_offset = kStrtabOffset;
        sh[2].sh_size = strings.size();
        std::memcpy(file.data() + kShdrOffset, sh, sizeof sh);
        return file;
    }

    std::vector<Symbol> symbols = {
        {"main", 0x401000, 0x40},
        {"parse_args", 0x401040, 0x20},
        {"data_object", 0x401070, 0x100, 1 /* STT_OBJECT */},
        {"undefined_import", 0x401080, 0x10, ingot::elf::kSttFunc, ingot::elf::kShnUndef},
        {"asm_entry", 0x402000, 0},
    };
};

}  // namespace ingot::testing
