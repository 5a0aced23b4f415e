#include <elf/elf_check.h>

namespace ingot::elf {

const char* describe(ElfProblem problem) {
    switch (problem) {
        case ElfProblem::None: return "valid static x86_64 program";
        case ElfProblem::NotElf: return "not an ELF file";
        case ElfProblem::TruncatedHeader: return "truncated ELF header";
        case ElfProblem::Elf32: return "32-bit ELF; Ingot runs x86_64 (64-bit) programs";
        case ElfProblem::BigEndian: return "big-endian ELF; x86_64 programs are little-endian";
        case ElfProblem::BadIdentification: return "corrupt ELF identification (class, byte order or version)";
        case ElfProblem::WrongMachine: return "not an x86_64 program";
        case ElfProblem::Dynamic: return "dynamically linked (has an interpreter); link it with -static";
        case ElfProblem::NotExecutable: return "not an executable (relocatable object or core file)";
        case ElfProblem::BadProgramHeaderSize: return "corrupt ELF header (wrong program header entry size)";
        case ElfProblem::TooManyProgramHeaders: return "too many program headers";
        case ElfProblem::ProgramHeadersOutsideFile: return "program header table outside the file";
        case ElfProblem::SegmentOutsideFile: return "segment outside the file";
        case ElfProblem::FileSizeLargerThanMemSize: return "segment file size larger than memory size";
        case ElfProblem::MisalignedSegment: return "misaligned segment";
        case ElfProblem::AddressOutsideUserSpace: return "segment address outside user space";
        case ElfProblem::OverlappingSegments: return "loadable segments overlap or are out of order";
        case ElfProblem::TooManyLoadSegments: return "too many loadable segments";
        case ElfProblem::NoLoadableSegments: return "no loadable segments";
        case ElfProblem::EntryOutsideExecutableSegments: return "entry point outside the executable segments";
        case ElfProblem::BadTlsSegment: return "malformed thread-local storage (PT_TLS) segment";
    }
    return "unknown ELF problem";
}

const char* machine_name(uint16_t machine) {
    switch (machine) {
        case 2: return "SPARC";
        case kMachineI386: return "Intel 80386";
        case 8: return "MIPS";
        case 20: return "PowerPC";
        case 21: return "PowerPC64";
        case 22: return "IBM S/390";
        case 40: return "ARM";
        case 43: return "SPARC V9";
        case 50: return "IA-64";
        case kMachineX86_64: return "x86_64";
        case 183: return "AArch64";
        case 243: return "RISC-V";
        case 258: return "LoongArch";
        default: return nullptr;
    }
}

namespace {

constexpr bool is_power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// gABI: p_align of 0 or 1 means no constraint; otherwise a power of two with
// p_vaddr ≡ p_offset (mod p_align). Loaders map whole pages, so the page offsets must agree too.
bool segment_aligned(const Elf64_Phdr& ph) {
    if (ph.p_align > 1) {
        if (!is_power_of_two(ph.p_align)) return false;
        if (ph.p_vaddr % ph.p_align != ph.p_offset % ph.p_align) return false;
    }
    return ph.p_vaddr % kPageSize == ph.p_offset % kPageSize;
}

// Where a program's segments may lie: a non-PIE program at its link addresses above page 0;
// a PIE anywhere below the limit, to which the loader adds its base.
bool segment_in_user_space(const Elf64_Phdr& ph, bool is_pie) {
    if (ph.p_memsz > kUserImageEnd || ph.p_vaddr > kUserImageEnd - ph.p_memsz) return false;
    return is_pie || ph.p_vaddr >= kUserImageStart;
}

// Checks the identification bytes and the fixed header fields.
ElfProblem check_header(std::span<const uint8_t> file, Elf64_Ehdr& eh) {
    size_t magic_bytes = file.size() < 4 ? file.size() : 4;
    if (magic_bytes == 0) return ElfProblem::NotElf;
    for (size_t i = 0; i < magic_bytes; ++i)
        if (file[i] != kMagic[i]) return ElfProblem::NotElf;
    if (file.size() < kIdentSize) return ElfProblem::TruncatedHeader;
    if (file[kIdentClass] == kClass32) return ElfProblem::Elf32;
    if (file[kIdentClass] != kClass64) return ElfProblem::BadIdentification;
    if (file[kIdentData] == kDataBigEndian) return ElfProblem::BigEndian;
    if (file[kIdentData] != kDataLittleEndian) return ElfProblem::BadIdentification;
    if (file[kIdentVersion] != kVersionCurrent) return ElfProblem::BadIdentification;
    if (!read_struct(file, 0, eh)) return ElfProblem::TruncatedHeader;
    if (eh.e_machine != kMachineX86_64) return ElfProblem::WrongMachine;
    if (eh.e_version != kVersionCurrent) return ElfProblem::BadIdentification;
    if (eh.e_type != kTypeExecutable && eh.e_type != kTypeShared) return ElfProblem::NotExecutable;
    if (eh.e_phnum == 0) return ElfProblem::NoLoadableSegments;
    if (eh.e_phentsize != sizeof(Elf64_Phdr)) return ElfProblem::BadProgramHeaderSize;
    if (eh.e_phnum == kPhnumExtended || eh.e_phnum > kMaxProgramHeaders)
        return ElfProblem::TooManyProgramHeaders;
    if (!range_within(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr), file.size()))
        return ElfProblem::ProgramHeadersOutsideFile;
    return ElfProblem::None;
}

Elf64_Phdr program_header(std::span<const uint8_t> file, const Elf64_Ehdr& eh, uint16_t index) {
    Elf64_Phdr ph{};
    read_struct(file, eh.e_phoff + uint64_t{index} * sizeof(Elf64_Phdr), ph);  // range checked
    return ph;
}

ElfSegment to_segment(const Elf64_Phdr& ph) {
    return ElfSegment{ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_align, ph.p_flags};
}

// The PT_LOAD segment holding [vaddr, vaddr+len), or nullptr.
const ElfSegment* load_segment_covering(const ElfInfo& info, uint64_t vaddr, uint64_t len) {
    for (const ElfSegment& s : info.load_segments())
        if (vaddr >= s.vaddr && range_within(vaddr - s.vaddr, len, s.memsz)) return &s;
    return nullptr;
}

// Validates one PT_LOAD and appends it to info (segments must come in ascending order, gABI).
ElfProblem add_load_segment(std::span<const uint8_t> file, const Elf64_Phdr& ph, ElfInfo& info) {
    if (!range_within(ph.p_offset, ph.p_filesz, file.size())) return ElfProblem::SegmentOutsideFile;
    if (ph.p_filesz > ph.p_memsz) return ElfProblem::FileSizeLargerThanMemSize;
    if (ph.p_memsz == 0) return ElfProblem::None;  // occupies nothing; loaders skip it
    if (!segment_aligned(ph)) return ElfProblem::MisalignedSegment;
    if (!segment_in_user_space(ph, info.is_pie)) return ElfProblem::AddressOutsideUserSpace;
    if (info.load_count > 0 && ph.p_vaddr < info.load[info.load_count - 1].end())
        return ElfProblem::OverlappingSegments;
    if (info.load_count == kMaxLoadSegments) return ElfProblem::TooManyLoadSegments;
    info.load[info.load_count++] = to_segment(ph);
    return ElfProblem::None;
}

// Validates PT_TLS: its initialisation image must be in the file and inside a loaded segment.
ElfProblem check_tls(std::span<const uint8_t> file, const ElfInfo& info) {
    const ElfSegment& t = info.tls;
    if (!range_within(t.offset, t.filesz, file.size())) return ElfProblem::SegmentOutsideFile;
    if (t.filesz > t.memsz) return ElfProblem::FileSizeLargerThanMemSize;
    if (t.align > 1 && !is_power_of_two(t.align)) return ElfProblem::BadTlsSegment;
    if (t.memsz > kUserImageEnd) return ElfProblem::BadTlsSegment;
    if (t.filesz > 0 && !load_segment_covering(info, t.vaddr, t.filesz)) return ElfProblem::BadTlsSegment;
    return ElfProblem::None;
}

// Finds where the loaded image shows its own program headers (for AT_PHDR).
void locate_phdrs(const Elf64_Ehdr& eh, uint64_t pt_phdr_vaddr, bool has_pt_phdr, ElfInfo& info) {
    uint64_t table_size = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
    if (has_pt_phdr && load_segment_covering(info, pt_phdr_vaddr, table_size)) {
        info.phdrs_mapped = true;
        info.phdr_vaddr = pt_phdr_vaddr;
        return;
    }
    for (const ElfSegment& s : info.load_segments()) {
        if (eh.e_phoff >= s.offset && range_within(eh.e_phoff - s.offset, table_size, s.filesz)) {
            info.phdrs_mapped = true;
            info.phdr_vaddr = s.vaddr + (eh.e_phoff - s.offset);
            return;
        }
    }
}

}  // namespace

ElfCheck check_elf(std::span<const uint8_t> file) {
    Elf64_Ehdr eh{};
    ElfProblem problem = check_header(file, eh);
    if (problem == ElfProblem::WrongMachine) return ElfCheck::failure(problem, eh.e_machine);
    if (problem == ElfProblem::BadProgramHeaderSize) return ElfCheck::failure(problem, eh.e_phentsize);
    if (problem != ElfProblem::None) return ElfCheck::failure(problem);

    // A PT_INTERP anywhere means a dynamic program, whatever else is wrong with it: say that first.
    for (uint16_t i = 0; i < eh.e_phnum; ++i)
        if (program_header(file, eh, i).p_type == kPtInterp) return ElfCheck::failure(ElfProblem::Dynamic);

    ElfInfo info;
    info.is_pie = eh.e_type == kTypeShared;
    info.entry = eh.e_entry;
    info.phoff = eh.e_phoff;
    info.phnum = eh.e_phnum;
    info.phentsize = eh.e_phentsize;
    bool has_pt_phdr = false;
    uint64_t pt_phdr_vaddr = 0;
    for (uint16_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph = program_header(file, eh, i);
        switch (ph.p_type) {
            case kPtLoad:
                problem = add_load_segment(file, ph, info);
                if (problem != ElfProblem::None) return ElfCheck::failure(problem);
                break;
            case kPtTls:
                if (info.has_tls) return ElfCheck::failure(ElfProblem::BadTlsSegment);
                info.has_tls = true;
                info.tls = to_segment(ph);
                break;
            case kPtGnuStack:
                info.executable_stack = (ph.p_flags & kPfExecute) != 0;
                break;
            case kPtPhdr:
                has_pt_phdr = true;
                pt_phdr_vaddr = ph.p_vaddr;
                break;
            default:
                break;  // PT_NOTE, PT_GNU_RELRO, PT_DYNAMIC (static-pie self-relocation), ...
        }
    }
    if (info.load_count == 0) return ElfCheck::failure(ElfProblem::NoLoadableSegments);
    info.lowest_vaddr = info.load[0].vaddr;
    info.end_vaddr = info.load[info.load_count - 1].end();
    if (info.has_tls) {
        problem = check_tls(file, info);
        if (problem != ElfProblem::None) return ElfCheck::failure(problem);
    }
    const ElfSegment* entry_segment = load_segment_covering(info, info.entry, 1);
    if (!entry_segment || !entry_segment->executable())
        return ElfCheck::failure(ElfProblem::EntryOutsideExecutableSegments);
    locate_phdrs(eh, pt_phdr_vaddr, has_pt_phdr, info);
    return ElfCheck::success(info);
}

}  // namespace ingot::elf
