// The walk over an ELF file's notes (elf/elf_notes.h): every note of every PT_NOTE in order,
// stopping when asked, and nothing read outside a segment whatever its notes claim.
#include <elf/elf_notes.h>

#include "elf_test_builder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ingot::elf {
namespace {

using testing::append_note;
using testing::ElfTestBuilder;

// An ELF file with one PT_NOTE per entry of `segments`, each holding those notes.
std::vector<uint8_t> file_with(const std::vector<std::vector<uint8_t>>& segments) {
    ElfTestBuilder b;
    uint64_t offset = 0x400;
    for (const std::vector<uint8_t>& notes : segments) {
        b.add(kPtNote, kPfRead, 0, notes.size(), notes.size(), offset, 4);
        offset += 0x100;
    }
    std::vector<uint8_t> file = b.build();
    file.resize(offset, 0);
    offset = 0x400;
    for (const std::vector<uint8_t>& notes : segments) {
        std::memcpy(file.data() + offset, notes.data(), notes.size());
        offset += 0x100;
    }
    return file;
}

std::vector<std::string> names_in(const std::vector<uint8_t>& file) {
    std::vector<std::string> names;
    find_note(file, [&](const ElfNote& note) {
        names.push_back(std::string(note.name) + ":" + std::to_string(note.type));
        return false;
    });
    return names;
}

TEST(ElfNotes, WalksEveryNoteOfEverySegmentInOrder) {
    std::vector<uint8_t> first, second;
    append_note(first, "Xen", 18, 0x100000);
    append_note(first, "Ingot", 0x1a90, 7);
    append_note(second, "GNU", 3, 1);
    std::vector<uint8_t> file = file_with({first, second});
    EXPECT_EQ(names_in(file), (std::vector<std::string>{"Xen:18", "Ingot:6800", "GNU:3"}));

    int seen = 0;
    bool stopped = find_note(file, [&](const ElfNote& note) {
        ++seen;
        if (note.name != "Ingot") return false;
        uint32_t value;
        std::memcpy(&value, note.descriptor.data(), sizeof value);
        EXPECT_EQ(value, 7u);
        EXPECT_EQ(note.bytes.size(), 12u + 8u + 4u);  // header, "Ingot\0" padded, descriptor
        return true;
    });
    EXPECT_TRUE(stopped);
    EXPECT_EQ(seen, 2);
}

TEST(ElfNotes, NotesThatRunPastTheirSegmentEndTheWalk) {
    std::vector<uint8_t> notes;
    append_note(notes, "Xen", 18, 1);
    append_note(notes, "Ingot", 0x1a90, 2);
    uint32_t huge_descriptor = 0xFFFFFFF0;
    std::memcpy(notes.data() + 20 + 4, &huge_descriptor, sizeof huge_descriptor);  // the second's descsz
    EXPECT_EQ(names_in(file_with({notes})), std::vector<std::string>{"Xen:18"});

    std::vector<uint8_t> cut;
    append_note(cut, "Ingot", 0x1a90, 2);
    cut.resize(cut.size() - 1);
    std::vector<uint8_t> after;
    append_note(after, "Xen", 18, 1);
    EXPECT_EQ(names_in(file_with({cut, after})), std::vector<std::string>{"Xen:18"});
}

TEST(ElfNotes, FilesThatAreNotElf64HaveNone) {
    EXPECT_TRUE(names_in(std::vector<uint8_t>(100, 0)).empty());
    std::vector<uint8_t> notes;
    append_note(notes, "Xen", 18, 1);
    std::vector<uint8_t> file = file_with({notes});
    file[kIdentClass] = kClass32;
    EXPECT_TRUE(names_in(file).empty());
    file = file_with({notes});
    file.resize(0x400 + 4);  // the segment runs past the end of the file
    EXPECT_TRUE(names_in(file).empty());
}

}  // namespace
}  // namespace ingot::elf
