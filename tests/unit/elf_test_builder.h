// Builds small ELF64 files in memory for tests: an ELF header, a program header table at
// offset 64, and segment contents at the file offsets the program headers name.
#pragma once

#include <elf/elf64.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace ingot::testing {

class ElfTestBuilder {
public:
    ElfTestBuilder() {
        header = elf::x86_64_executable_header();
        header.e_shentsize = sizeof(elf::Elf64_Shdr);
    }

    // The usual layout of a static non-PIE program: headers in a read-only segment at 0x400000,
    // code at 0x401000 (entry), data and bss at 0x402000.
    static ElfTestBuilder static_executable() {
        ElfTestBuilder b;
        b.load(0x400000, 0x200, 0x200, elf::kPfRead, 0);
        b.load(0x401000, 0x100, 0x100, elf::kPfRead | elf::kPfExecute, 0x1000);
        b.load(0x402000, 0x10, 0x1000, elf::kPfRead | elf::kPfWrite, 0x2000);
        b.header.e_entry = 0x401000;
        return b;
    }

    // A static-pie: the same at link address 0.
    static ElfTestBuilder static_pie() {
        ElfTestBuilder b;
        b.header.e_type = elf::kTypeShared;
        b.load(0x0, 0x200, 0x200, elf::kPfRead, 0);
        b.load(0x1000, 0x100, 0x100, elf::kPfRead | elf::kPfExecute, 0x1000);
        b.load(0x2000, 0x10, 0x1000, elf::kPfRead | elf::kPfWrite, 0x2000);
        b.header.e_entry = 0x1000;
        return b;
    }

    // Adds a PT_LOAD whose file bytes sit at `offset`.
    elf::Elf64_Phdr& load(uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint32_t flags, uint64_t offset) {
        return add(elf::kPtLoad, flags, vaddr, filesz, memsz, offset, 0x1000);
    }

    elf::Elf64_Phdr& add(uint32_t type, uint32_t flags, uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                         uint64_t offset, uint64_t align) {
        elf::Elf64_Phdr ph{};
        ph.p_type = type;
        ph.p_flags = flags;
        ph.p_offset = offset;
        ph.p_vaddr = vaddr;
        ph.p_paddr = vaddr;
        ph.p_filesz = filesz;
        ph.p_memsz = memsz;
        ph.p_align = align;
        phdrs.push_back(ph);
        return phdrs.back();
    }

    // The file: large enough for the headers and every in-bounds segment's bytes (filled with a
    // pattern), with e_phnum set from the table unless `keep_phnum`.
    std::vector<uint8_t> build(bool keep_phnum = false) const {
        elf::Elf64_Ehdr h = header;
        if (!keep_phnum) h.e_phnum = static_cast<uint16_t>(phdrs.size());
        uint64_t size = sizeof h + phdrs.size() * sizeof(elf::Elf64_Phdr);
        for (const elf::Elf64_Phdr& ph : phdrs) {
            uint64_t end = ph.p_offset + ph.p_filesz;
            if (end >= ph.p_offset && end < (1u << 24) && end > size) size = end;
        }
        if (size < min_size) size = min_size;
        std::vector<uint8_t> file(size);
        for (size_t i = 0; i < file.size(); ++i) file[i] = static_cast<uint8_t>(i * 7 + 1);
        std::memcpy(file.data(), &h, sizeof h);
        if (h.e_phoff < size && phdrs.size() * sizeof(elf::Elf64_Phdr) <= size - h.e_phoff)
            std::memcpy(file.data() + h.e_phoff, phdrs.data(), phdrs.size() * sizeof(elf::Elf64_Phdr));
        return file;
    }

    // Rewrites the headers into an existing file without resizing it (for out-of-bounds cases).
    void write_headers(std::vector<uint8_t>& file) const {
        elf::Elf64_Ehdr h = header;
        h.e_phnum = static_cast<uint16_t>(phdrs.size());
        std::memcpy(file.data(), &h, sizeof h);
        std::memcpy(file.data() + h.e_phoff, phdrs.data(), phdrs.size() * sizeof(elf::Elf64_Phdr));
    }

    elf::Elf64_Ehdr header{};
    std::vector<elf::Elf64_Phdr> phdrs;
    uint64_t min_size = 0;
};

// Appends one ELF note to `notes`: the header, `name` with its NUL and `value` as a 4-byte
// descriptor, each padded to 4 bytes (gABI "Note Section").
inline void append_note(std::vector<uint8_t>& notes, const char* name, uint32_t type, uint32_t value) {
    uint32_t header[3] = {static_cast<uint32_t>(std::strlen(name) + 1), 4, type};
    const auto* bytes = reinterpret_cast<const uint8_t*>(header);
    notes.insert(notes.end(), bytes, bytes + sizeof header);
    size_t name_start = notes.size();
    notes.insert(notes.end(), name, name + std::strlen(name) + 1);
    notes.resize(name_start + ((std::strlen(name) + 1 + 3) & ~size_t{3}), 0);
    const auto* desc = reinterpret_cast<const uint8_t*>(&value);
    notes.insert(notes.end(), desc, desc + 4);
}

}  // namespace ingot::testing
