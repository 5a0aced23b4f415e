#include <elf/elf_notes.h>

namespace ingot::elf {
namespace {

constexpr uint64_t kNoteAlign = 4;

uint64_t padded(uint64_t size) { return (size + kNoteAlign - 1) & ~(kNoteAlign - 1); }

// Walks the notes in file[offset, offset + size).
bool find_in_segment(std::span<const uint8_t> file, uint64_t offset, uint64_t size,
                     FunctionRef<bool(const ElfNote&)> visit) {
    uint64_t at = offset, end = offset + size;
    while (end - at >= 12) {
        uint32_t header[3];
        read_struct(file, at, header);
        uint64_t name_at = at + 12;
        uint64_t desc_at = name_at + padded(header[0]);
        uint64_t next = desc_at + padded(header[1]);
        if (next > end) return false;
        ElfNote note;
        const char* name = reinterpret_cast<const char*>(file.data() + name_at);
        note.name = std::string_view(name, header[0] > 0 && name[header[0] - 1] == '\0' ? header[0] - 1 : header[0]);
        note.type = header[2];
        note.descriptor = file.subspan(desc_at, header[1]);
        note.bytes = file.subspan(at, next - at);
        if (visit(note)) return true;
        at = next;
    }
    return false;
}

}  // namespace

bool find_note(std::span<const uint8_t> file, FunctionRef<bool(const ElfNote&)> visit) {
    Elf64_Ehdr eh{};
    if (!read_struct(file, 0, eh) || __builtin_memcmp(eh.e_ident, kMagic, 4) != 0) return false;
    if (eh.e_ident[kIdentClass] != kClass64 || eh.e_phentsize != sizeof(Elf64_Phdr)) return false;
    for (uint64_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        if (!read_struct(file, eh.e_phoff + i * sizeof(ph), ph)) return false;
        if (ph.p_type != kPtNote || !range_within(ph.p_offset, ph.p_filesz, file.size())) continue;
        if (find_in_segment(file, ph.p_offset, ph.p_filesz, visit)) return true;
    }
    return false;
}

}  // namespace ingot::elf
