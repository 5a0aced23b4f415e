#include <lib/random.h>
#include <mm/address_space.h>
#include <mm/physical_memory.h>
#include <mm/user_memory.h>
#include <proc/cpu_info.h>
#include <proc/elf_loader.h>
#include <proc/initial_stack.h>
#include <proc/process.h>
#include <proc/program_image.h>
#include <proc/vdso.h>

#include <vector>

namespace ingot {
namespace {

// The top of the lower half minus one page, lowered by up to 1 GiB at random (ASLR), as
// Linux places the stack below TASK_SIZE.
constexpr uint64_t kStackTopLimit = 0x0000'7FFF'FFFF'F000ull;
// Static-pie programs load near 2/3 of the address space (Linux's ELF_ET_DYN_BASE) plus a
// random number of pages.
constexpr uint64_t kPieBase = 0x0000'5555'5555'0000ull;

uint64_t random_pages(uint64_t max_pages) {
    uint64_t r;
    fill_random(&r, sizeof(r));
    return (r % max_pages) * kPageSize;
}

// Copies the vDSO into the address space, read-only and executable, where the mmap area has
// room; its address for AT_SYSINFO_EHDR, or 0 when there is no vDSO.
Result<uint64_t> map_vdso(const char** failed_step) {
    std::vector<uint8_t> image = vdso_image_for_program();
    if (image.empty()) return uint64_t{0};
    AddressSpace& space = current_address_space();
    uint64_t length = (image.size() + kPageSize - 1) & ~(kPageSize - 1);
    Result<uint64_t> base = space.find_free(length, 0);
    if (base.ok() && space.map_anonymous(base.value(), length, kProtRead | kProtExec, VmaKind::FileCopy, "[vdso]").ok() &&
        space.fill(base.value(), image).ok()) {
        return base.value();
    }
    *failed_step = "no memory for the vDSO";
    return Errno::ENOMEM;
}

Result<uint64_t> build_stack(const ProgramImage& image, const LoadedProgram& program, const char** failed_step) {
    AddressSpace& space = current_address_space();
    uint64_t stack_top = space.stack_top();
    auto mapped = space.map_anonymous(stack_top - AddressSpace::kStackLimit, AddressSpace::kStackLimit,
                                      kProtRead | kProtWrite | (program.executable_stack ? uint32_t{kProtExec} : 0u),
                                      VmaKind::Stack, "[stack]");
    if (!mapped.ok()) {
        *failed_step = "no memory for the stack";
        return mapped.error();
    }

    uint64_t vdso = TRY(map_vdso(failed_step));
    AuxEntry auxv[] = {
        {kAtSysinfoEhdr, vdso},  // dropped below when there is no vDSO
        {kAtPhdr, program.phdr},
        {kAtPhent, 56},
        {kAtPhnum, program.phnum},
        {kAtPagesz, kPageSize},
        {kAtBase, 0},
        {kAtFlags, 0},
        {kAtEntry, program.entry},
        {kAtUid, 0},
        {kAtEuid, 0},
        {kAtGid, 0},
        {kAtEgid, 0},
        {kAtSecure, 0},
        {kAtClktck, 100},
        {kAtHwcap, cpu_hwcap()},
        {kAtHwcap2, cpu_hwcap2()},
        {kAtMinSigStkSz, signal_stack_min_size()},
    };
    InitialStackInput input;
    input.argv = image.argv;
    input.envp = image.envp;
    input.execfn = image.exe_path;
    input.auxv = vdso ? std::span<const AuxEntry>(auxv) : std::span<const AuxEntry>(auxv).subspan(1);
    fill_random(input.random_bytes.data(), input.random_bytes.size());

    // Room for every string, pointer and auxv pair, plus alignment slack.
    size_t needed = 1024 + image.exe_path.size() + sizeof(auxv) + 8 * (image.argv.size() + image.envp.size());
    for (std::string_view s : image.argv) needed += s.size() + 1;
    for (std::string_view s : image.envp) needed += s.size() + 1;
    std::vector<uint8_t> buffer(needed);
    auto stack = build_initial_stack(buffer, stack_top, input);
    if (!stack.ok()) {
        *failed_step = "arguments and environment do not fit the initial stack";
        return stack.error();
    }
    auto copied = copy_to_user(stack.value().user_rsp, buffer.data() + stack.value().buffer_offset, stack.value().length);
    if (!copied.ok()) {
        *failed_step = "cannot write the initial stack";
        return copied.error();
    }
    return stack.value().user_rsp;
}

}  // namespace

Result<UserEntry> load_program_image(const ProgramImage& image, const char** failed_step) {
    elf::ElfCheck check = elf::check_elf(image.elf);
    if (!check.ok() || !check.info().phdrs_mapped) {
        *failed_step = check.ok() ? "its program headers are not in a loaded segment" : elf::describe(check.problem());
        return Errno::ENOEXEC;
    }
    AddressSpace& space = current_address_space();
    space.set_layout(kStackTopLimit - random_pages(1ull << 18));
    auto loaded = load_elf(image.elf, check.info(), kPieBase + random_pages(1ull << 20));
    if (!loaded.ok()) {
        *failed_step = "cannot load the program";
        return loaded.error();
    }
    space.set_brk_base(loaded.value().image_end + random_pages(1ull << 13));
    current_process().load_bias = loaded.value().bias;
    uint64_t rsp = TRY(build_stack(image, loaded.value(), failed_step));
    return UserEntry{loaded.value().entry, rsp};
}

}  // namespace ingot
