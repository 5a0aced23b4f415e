#include <elf/elf_check.h>
#include <features/feature_hooks.h>
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
#include <proc/cpu_info.h>
#include <proc/cpus.h>
#include <proc/elf_loader.h>
#include <proc/initial_stack.h>
#include <proc/process.h>
#include <proc/program_image.h>
#include <proc/program_start.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace ingot {
namespace {

[[noreturn]] void bad_image(const char* what, Errno error) {
    panic("cannot start the program: %s (%s)", what, errno_name(error));
}

void apply_kernel_options(const image::BootConfig& config) {
    std::string_view level = config.option("log");
    if (level == "debug") set_log_level(LogLevel::Debug);
    else if (level == "error" || level == "quiet") set_log_level(LogLevel::Error);
}

// "cpus=N" (`ingot run --cpus N`): 1 to kMaxCpus; without it, one CPU.
unsigned requested_cpus(const image::BootConfig& config) {
    std::string_view text = config.option("cpus");
    if (text.empty()) return 1;
    unsigned count = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || count > kMaxCpus) panic("cannot start the program: bad kernel option cpus=%.*s", static_cast<int>(text.size()), text.data());
        count = count * 10 + static_cast<unsigned>(c - '0');
    }
    if (count == 0 || count > kMaxCpus)
        panic("cannot start the program: cpus=%u is not between 1 and %u", count, kMaxCpus);
    return count;
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

    // Disks are found first so that /dev lists them.
    find_image_disks(command_line);
    // tmpfs may hold up to half of RAM, Linux's default for tmpfs.
    auto mounted = mount_root_filesystem(image.files, image.program_path, image.program,
                                         MountOptions{.tmpfs_capacity_bytes = ram_bytes / 2});
    if (!mounted.ok()) bad_image("cannot mount the image's files", mounted.error());
    auto streams = open_standard_streams(current_fs().fds);
    if (!streams.ok()) bad_image("cannot open the standard streams", streams.error());
    // A disk that cannot be mounted ends the boot as bad input (`ingot run` status 1); the ones
    // already mounted are unmounted cleanly by exit_program.
    if (!mount_image_disks(config)) exit_program(1);
    start_image_networking(command_line, config);

    elf::ElfCheck check = elf::check_elf(image.program);
    if (!check.ok()) panic("cannot start the program: %s", elf::describe(check.problem()));
    if (!check.info().phdrs_mapped) panic("cannot start the program: its program headers are not in a loaded segment");

    Process& process = current_process();
    process.program_file = image.program;
    process.exe_path = image.program_path;
    const char* failed_step = "";
    auto entry = load_program_image({image.program, config.argv(), config.envp(), image.program_path}, &failed_step);
    if (!entry.ok()) bad_image(failed_step, entry.error());
    // Only measured when asked for: reading the clock the first time calibrates it.
    start_cpus(requested_cpus(config));
    if (log_enabled(LogLevel::Debug)) log_debug("boot: program entry after %lu us", monotonic_ns() / 1000);
    return entry.value();
}

}  // namespace ingot
