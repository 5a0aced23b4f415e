// Function names for crash reports, from a program's .symtab/.strtab (gABI "Symbol Table").
// Works on the file bytes through section headers; a stripped program, or a hostile section
// table, simply yields no name.
#pragma once

#include <elf/elf64.h>
#include <lib/function_ref.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace ingot::elf {

enum class SymbolScan {
    NoSymbolTable,  // stripped, not an ELF, or a section table that does not hold together
    Finished,       // every named symbol was visited
    Stopped,        // the visitor returned true
};

// Calls visit(symbol, name) for each named symbol of each SHT_SYMTAB in `file`, in table
// order, until it returns true. Names are views into `file`; symbols whose name runs past
// the string table are skipped.
SymbolScan scan_symbols(std::span<const uint8_t> file, FunctionRef<bool(const Elf64_Sym&, std::string_view)> visit);

// Finds the STT_FUNC symbol whose [st_value, st_value+st_size) contains `addr` (a link-time
// address: subtract a PIE's load base first). On success sets `name` (a view into `file`) and
// `offset` (addr - st_value) and returns true; returns false when there is no such symbol, no
// symbol table, or the section table is malformed.
bool find_function_symbol(std::span<const uint8_t> file, uint64_t addr, std::string_view& name,
                          uint64_t& offset);

}  // namespace ingot::elf
