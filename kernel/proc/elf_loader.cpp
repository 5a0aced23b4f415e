#include <lib/align.h>
#include <mm/address_space.h>
#include <mm/physical_memory.h>
#include <proc/elf_loader.h>

namespace ingot {
namespace {

uint32_t prot_of(const elf::ElfSegment& segment) {
    uint32_t prot = kProtNone;
    if (segment.readable()) prot |= kProtRead;
    if (segment.writable()) prot |= kProtWrite;
    if (segment.executable()) prot |= kProtExec;
    return prot;
}

}  // namespace

Result<LoadedProgram> load_elf(std::span<const uint8_t> file, const elf::ElfInfo& info, uint64_t pie_base) {
    AddressSpace& space = current_address_space();
    uint64_t bias = info.is_pie ? pie_base - align_down(info.lowest_vaddr, kPageSize) : 0;
    uint64_t previous_end = 0;
    for (const elf::ElfSegment& segment : info.load_segments()) {
        uint64_t start = align_down(segment.vaddr + bias, kPageSize);
        uint64_t end = align_up(segment.vaddr + bias + segment.memsz, kPageSize);
        uint32_t prot = prot_of(segment);
        // Segments of some links share a page with the previous segment; that page keeps the
        // previous region and gets the union of both permissions.
        if (start < previous_end) {
            TRY(space.protect(start, kPageSize, prot | space.regions().find(start)->prot));
            start += kPageSize;
        }
        if (start < end)
            TRY(space.map_anonymous(start, end - start, prot, VmaKind::FileCopy,
                                    segment.executable() ? "[text]" : "[data]"));
        TRY(space.fill(segment.vaddr + bias, file.subspan(segment.offset, segment.filesz)));
        previous_end = end;
    }
    LoadedProgram loaded{};
    loaded.entry = info.entry + bias;
    loaded.bias = bias;
    loaded.phdr = info.phdr_vaddr + bias;
    loaded.phnum = info.phnum;
    loaded.image_end = align_up(info.end_vaddr + bias, kPageSize);
    loaded.executable_stack = info.executable_stack;
    return loaded;
}

}  // namespace ingot
