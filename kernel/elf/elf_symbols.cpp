#include <elf/elf_symbols.h>

#include <elf/elf64.h>

namespace ingot::elf {

namespace {

// Reads section header `index`, checking the table lies in the file; false if anything is off.
bool section_header(std::span<const uint8_t> file, const Elf64_Ehdr& eh, uint64_t index, Elf64_Shdr& out) {
    if (index >= eh.e_shnum) return false;
    return read_struct(file, eh.e_shoff + index * sizeof(Elf64_Shdr), out);
}

// The NUL-terminated string at `offset` of a string table, if it ends inside the table.
bool string_at(std::span<const uint8_t> strtab, uint64_t offset, std::string_view& out) {
    for (uint64_t i = offset; i < strtab.size(); ++i) {
        if (strtab[i] == 0) {
            out = std::string_view(reinterpret_cast<const char*>(strtab.data() + offset), i - offset);
            return true;
        }
    }
    return false;
}

bool symbol_contains(const Elf64_Sym& sym, uint64_t addr) {
    if ((sym.st_info & 0xF) != kSttFunc) return false;
    if (sym.st_shndx == kShnUndef) return false;
    if (addr < sym.st_value) return false;
    // Hand-written assembly may leave st_size 0: then only its first address matches.
    return sym.st_size == 0 ? addr == sym.st_value : addr - sym.st_value < sym.st_size;
}

}  // namespace

SymbolScan scan_symbols(std::span<const uint8_t> file, FunctionRef<bool(const Elf64_Sym&, std::string_view)> visit) {
    Elf64_Ehdr eh{};
    if (!read_struct(file, 0, eh)) return SymbolScan::NoSymbolTable;
    for (size_t i = 0; i < 4; ++i)
        if (eh.e_ident[i] != kMagic[i]) return SymbolScan::NoSymbolTable;
    if (eh.e_ident[kIdentClass] != kClass64 || eh.e_ident[kIdentData] != kDataLittleEndian)
        return SymbolScan::NoSymbolTable;
    if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr)) return SymbolScan::NoSymbolTable;
    if (!range_within(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), file.size()))
        return SymbolScan::NoSymbolTable;

    SymbolScan result = SymbolScan::NoSymbolTable;
    for (uint64_t s = 0; s < eh.e_shnum; ++s) {
        Elf64_Shdr symtab{}, strtab{};
        if (!section_header(file, eh, s, symtab) || symtab.sh_type != kShtSymtab) continue;
        if (symtab.sh_entsize != sizeof(Elf64_Sym)) continue;
        if (!range_within(symtab.sh_offset, symtab.sh_size, file.size())) continue;
        if (!section_header(file, eh, symtab.sh_link, strtab) || strtab.sh_type != kShtStrtab) continue;
        if (!range_within(strtab.sh_offset, strtab.sh_size, file.size())) continue;
        std::span<const uint8_t> strings = file.subspan(strtab.sh_offset, strtab.sh_size);
        result = SymbolScan::Finished;

        uint64_t count = symtab.sh_size / sizeof(Elf64_Sym);
        for (uint64_t i = 0; i < count; ++i) {
            Elf64_Sym sym{};
            read_struct(file, symtab.sh_offset + i * sizeof(Elf64_Sym), sym);  // range checked above
            std::string_view name;
            if (!string_at(strings, sym.st_name, name) || name.empty()) continue;
            if (visit(sym, name)) return SymbolScan::Stopped;
        }
    }
    return result;
}

bool find_function_symbol(std::span<const uint8_t> file, uint64_t addr, std::string_view& name,
                          uint64_t& offset) {
    SymbolScan scan = scan_symbols(file, [&](const Elf64_Sym& sym, std::string_view candidate) {
        if (!symbol_contains(sym, addr)) return false;
        name = candidate;
        offset = addr - sym.st_value;
        return true;
    });
    return scan == SymbolScan::Stopped;
}

}  // namespace ingot::elf
