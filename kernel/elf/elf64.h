// ELF64 on-disk structures and constants, as the System V gABI (generic ABI, "Object Files"
// chapter) and the x86-64 psABI define them. Our own definitions: the kernel is freestanding and
// cannot include the host's <elf.h>. All multi-byte fields are little-endian (ELFDATA2LSB), which
// is also the byte order of every machine that reads them here, so they are copied field-for-field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::elf {

// e_ident[] indexes and values (gABI "ELF Identification").
inline constexpr size_t kIdentSize = 16;
inline constexpr size_t kIdentClass = 4;
inline constexpr size_t kIdentData = 5;
inline constexpr size_t kIdentVersion = 6;
inline constexpr uint8_t kMagic[4] = {0x7F, 'E', 'L', 'F'};
inline constexpr uint8_t kClass32 = 1;
inline constexpr uint8_t kClass64 = 2;
inline constexpr uint8_t kDataLittleEndian = 1;
inline constexpr uint8_t kDataBigEndian = 2;
inline constexpr uint8_t kVersionCurrent = 1;

// e_type.
inline constexpr uint16_t kTypeRelocatable = 1;  // ET_REL
inline constexpr uint16_t kTypeExecutable = 2;   // ET_EXEC
inline constexpr uint16_t kTypeShared = 3;       // ET_DYN (shared object or PIE)
inline constexpr uint16_t kTypeCore = 4;         // ET_CORE

// e_machine values we name in messages (gABI machine table).
inline constexpr uint16_t kMachineI386 = 3;
inline constexpr uint16_t kMachineX86_64 = 62;

// e_phnum == PN_XNUM means "the real count is in section 0's sh_info" (gABI); we refuse it.
inline constexpr uint16_t kPhnumExtended = 0xFFFF;

// p_type.
inline constexpr uint32_t kPtNull = 0;
inline constexpr uint32_t kPtLoad = 1;
inline constexpr uint32_t kPtDynamic = 2;
inline constexpr uint32_t kPtInterp = 3;
inline constexpr uint32_t kPtNote = 4;
inline constexpr uint32_t kPtPhdr = 6;
inline constexpr uint32_t kPtTls = 7;
inline constexpr uint32_t kPtGnuStack = 0x6474E551;

// p_flags.
inline constexpr uint32_t kPfExecute = 1;
inline constexpr uint32_t kPfWrite = 2;
inline constexpr uint32_t kPfRead = 4;

// sh_type and special section indexes.
inline constexpr uint32_t kShtSymtab = 2;
inline constexpr uint32_t kShtStrtab = 3;
inline constexpr uint16_t kShnUndef = 0;
inline constexpr uint16_t kShnLoReserve = 0xFF00;

// Symbol type (low nibble of st_info).
inline constexpr uint8_t kSttFunc = 2;

struct Elf64_Ehdr {
    uint8_t e_ident[kIdentSize];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
static_assert(sizeof(Elf64_Ehdr) == 64);

struct Elf64_Phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
static_assert(sizeof(Elf64_Phdr) == 56);

struct Elf64_Shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
};
static_assert(sizeof(Elf64_Shdr) == 64);

struct Elf64_Sym {
    uint32_t st_name;
    uint8_t st_info;
    uint8_t st_other;
    uint16_t st_shndx;
    uint64_t st_value;
    uint64_t st_size;
};
static_assert(sizeof(Elf64_Sym) == 24);

// True when [offset, offset+length) lies inside a buffer of `size` bytes, without overflow.
constexpr bool range_within(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

// Copies a T from `bytes` at `offset` (any alignment) after a bounds check; false if it would overrun.
template <typename T>
bool read_struct(std::span<const uint8_t> bytes, uint64_t offset, T& out) {
    if (!range_within(offset, sizeof(T), bytes.size())) return false;
    __builtin_memcpy(&out, bytes.data() + offset, sizeof(T));  // no <cstring> in the kernel
    return true;
}

// The header of an x86-64 executable with program headers right after it (for programs made
// in memory: the tool's KVM probe, tests); entry, e_phnum and section fields are the caller's.
inline Elf64_Ehdr x86_64_executable_header() {
    Elf64_Ehdr header{};
    __builtin_memcpy(header.e_ident, kMagic, sizeof kMagic);
    header.e_ident[kIdentClass] = kClass64;
    header.e_ident[kIdentData] = kDataLittleEndian;
    header.e_ident[kIdentVersion] = kVersionCurrent;
    header.e_type = kTypeExecutable;
    header.e_machine = kMachineX86_64;
    header.e_version = kVersionCurrent;
    header.e_phoff = sizeof(Elf64_Ehdr);
    header.e_ehsize = sizeof(Elf64_Ehdr);
    header.e_phentsize = sizeof(Elf64_Phdr);
    return header;
}

}  // namespace ingot::elf
