#include <elf/elf_check.h>
#include <fs/console_file.h>
#include <fs/fs_context.h>
#include <fs/root_filesystem.h>
#include <image/boot_config.h>
#include <image/payload.h>
#include <lib/align.h>
#include <lib/clock.h>
#include <lib/log.h>
#include <lib/panic.h>
#include <lib/random.h>
#include <mm/address_space.h>
#include <mm/physical_memory.h>
#include <mm/user_memory.h>
#include <net/network_setup.h>
#include <proc/cpu_info.h>
#include <proc/elf_loader.h>
#include <proc/initial_stack.h>
#include <proc/process.h>
#include <proc/program_start.h>

#include <cstring>
#include <string_view>
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

[[noreturn]] void bad_image(const char* what, Errno error) {
    panic("cannot start the program: %s (%s)", what, errno_name(error));
}

void apply_kernel_options(const image::BootConfig& config) {
    std::string_view level = config.option("log");
    if (level == "debug") set_log_level(LogLevel::Debug);
    else if (level == "error" || level == "quiet") set_log_level(LogLevel::Error);
}

uint64_t build_stack(const image::BootConfig& config, const LoadedProgram& program, std::string_view exe_path) {
    AddressSpace& space = current_address_space();
    uint64_t stack_top = space.stack_top();
    auto mapped = space.map_anonymous(stack_top - AddressSpace::kStackLimit, AddressSpace::kStackLimit,
                                      kProtRead | kProtWrite | (program.executable_stack ? uint32_t{kProtExec} : 0u),
                                      VmaKind::Stack, "[stack]");
    if (!mapped.ok()) bad_image("no memory for the stack", mapped.error());

    AuxEntry auxv[] = {
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
    input.argv = config.argv();
    input.envp = config.envp();
    input.execfn = exe_path;
    input.auxv = auxv;
    fill_random(input.random_bytes.data(), input.random_bytes.size());

    // Room for every string, pointer and auxv pair, plus alignment slack.
    size_t needed = 1024 + exe_path.size() + sizeof(auxv) + 8 * (config.argv().size() + config.envp().size());
    for (std::string_view s : config.argv()) needed += s.size() + 1;
    for (std::string_view s : config.envp()) needed += s.size() + 1;
    std::vector<uint8_t> buffer(needed);
    auto stack = build_initial_stack(buffer, stack_top, input);
    if (!stack.ok()) bad_image("arguments and environment do not fit the initial stack", stack.error());
    auto copied = copy_to_user(stack.value().user_rsp, buffer.data() + stack.value().buffer_offset, stack.value().length);
    if (!copied.ok()) bad_image("cannot write the initial stack", copied.error());
    return stack.value().user_rsp;
}

}  // namespace

UserEntry start_program(std::span<const uint8_t> payload_bytes, const char* command_line, uint64_t ram_bytes) {
    if (payload_bytes.empty()) panic("this kernel image carries no program (build one with `ingot build`)");
    auto payload = image::parse_payload(payload_bytes);
    if (!payload.ok()) bad_image("malformed image payload", payload.error());
    const image::Payload& image = payload.value();

    image::BootConfig config;
    auto records = config.add_records(image.config);
    if (!records.ok()) bad_image("malformed configuration records", records.error());
    auto applied = config.apply_command_line(command_line);
    if (!applied.ok()) bad_image("malformed boot command line", applied.error());
    apply_kernel_options(config);
    log_debug("boot: %lu MiB of RAM, program %.*s", ram_bytes >> 20, static_cast<int>(image.program_path.size()),
              image.program_path.data());

    // tmpfs may hold up to half of RAM, Linux's default for tmpfs.
    auto mounted = mount_root_filesystem(image.files, image.program_path, image.program,
                                         MountOptions{.tmpfs_capacity_bytes = ram_bytes / 2});
    if (!mounted.ok()) bad_image("cannot mount the image's files", mounted.error());
    auto streams = open_standard_streams(current_fs().fds);
    if (!streams.ok()) bad_image("cannot open the standard streams", streams.error());
    net::start_networking(command_line, config);

    elf::ElfCheck check = elf::check_elf(image.program);
    if (!check.ok()) panic("cannot start the program: %s", elf::describe(check.problem()));
    if (!check.info().phdrs_mapped) panic("cannot start the program: its program headers are not in a loaded segment");

    AddressSpace& space = current_address_space();
    space.set_layout(kStackTopLimit - random_pages(1ull << 18));
    auto loaded = load_elf(image.program, check.info(), kPieBase + random_pages(1ull << 20));
    if (!loaded.ok()) bad_image("cannot load the program", loaded.error());
    space.set_brk_base(loaded.value().image_end + random_pages(1ull << 13));

    Process& process = current_process();
    process.program_file = image.program;
    process.load_bias = loaded.value().bias;
    process.exe_path = image.program_path;

    uint64_t rsp = build_stack(config, loaded.value(), image.program_path);
    // Only measured when asked for: reading the clock the first time calibrates it.
    if (log_enabled(LogLevel::Debug)) log_debug("boot: program entry after %lu us", monotonic_ns() / 1000);
    return {loaded.value().entry, rsp};
}

}  // namespace ingot
