#include <ingot/command_line.h>

#include <ingot/size_parser.h>
#include <ingot/tool_error.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>

namespace ingot::tool {

namespace {

constexpr const char* kLogLevels[] = {"error", "warn", "info", "debug"};
constexpr const char* kMachines[] = {"microvm", "pc", "q35"};
// mke2fs needs some room for its metadata and journal; smaller images are refused up front.
constexpr uint64_t kMinDiskBytes = 1024 * 1024;

uint64_t parse_memory_option(const std::string& text) {
    std::optional<uint64_t> bytes = parse_size(text);
    if (!bytes)
        throw usage_error("--mem: invalid size '" + text +
                          "' (expected a positive number of bytes, optionally with K, M or G, e.g. 512M)");
    return *bytes;
}

// --cpus: 1 to the most CPUs the kernel brings up (proc/cpus.h).
unsigned parse_cpus_option(const std::string& text) {
    char* end = nullptr;
    unsigned long cpus = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || cpus == 0 || text[0] == '-')
        throw usage_error("--cpus: invalid count '" + text + "' (expected a positive number)");
    if (cpus > kMaxCpus)
        throw usage_error("--cpus " + text + ": at most " + std::to_string(kMaxCpus) + " virtual CPUs are supported");
    return static_cast<unsigned>(cpus);
}

template <size_t N>
bool one_of(const std::string& value, const char* const (&choices)[N]) {
    return std::find(std::begin(choices), std::end(choices), value) != std::end(choices);
}

// CLI11 messages may span lines; keep the first so every error is one line.
std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    return line;
}

}  // namespace

void validate_environment_entry(const std::string& entry) {
    size_t equals = entry.find('=');
    if (equals == std::string::npos)
        throw usage_error("--env: '" + entry + "' is not of the form NAME=VALUE");
    if (equals == 0) throw usage_error("--env: '" + entry + "' has an empty name");
    if (entry.find('\0') != std::string::npos) throw usage_error("--env: entry contains a NUL byte");
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& argv) {
    // Split at the first "--" ourselves: CLI11 would mix the program's arguments with stray
    // positionals, and they must stay byte-exact (even ones that look like options).
    auto separator = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), std::string("--"));
    std::vector<std::string> guest_args(separator == argv.end() ? argv.end() : separator + 1, argv.end());
    std::vector<std::string> tool_args(argv.begin(), separator);

    CLI::App app{"Ingot: casts a static x86_64 Linux program into a bootable unikernel image", "ingot"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "ingot 0.1");

    ParsedCommandLine parsed;
    std::string build_mem, run_mem;
    CLI::App* build = app.add_subcommand("build", "Cast PROGRAM and the kernel into one bootable image");
    build->add_option("PROGRAM", parsed.build.program, "Static x86_64 ELF to run")->required()->type_name("PROGRAM");
    build->add_option("-o,--output", parsed.build.output, "Image file to write")->required()->type_name("IMAGE");
    build->add_option("--files", parsed.build.files_dir, "Directory packed as the guest's root file system")->type_name("DIR");
    build->add_option("--env", parsed.build.environment, "Environment entry NAME=VALUE (repeatable)")->type_name("NAME=VALUE");
    build->add_option("--mem", build_mem, "Default guest memory, e.g. 64M, 1G")->type_name("SIZE");
    std::vector<std::string> build_volumes, run_disks, run_volumes;
    build->add_option("--volume", build_volumes, "Mount the next disk given at run time with --disk at /PATH (repeatable)")->type_name("/PATH[:ro]");
    std::string build_cpus, run_cpus;
    build->add_option("--cpus", build_cpus, "Default virtual CPUs for `ingot run` (default 1)")->type_name("N");
    std::vector<std::string> build_with, build_without, run_with, run_without;
    std::string build_net;
    build->add_option("--with", build_with, "Kernel feature to include whatever the program looks like: net, process, poll, block")->type_name("FEATURE");
    build->add_option("--without", build_without, "Kernel feature the program does not need: net, process, poll, block")->type_name("FEATURE");
    build->add_option("--net", build_net, "none: the image will run without a network card (loopback only)")->type_name("MODE");
    build->add_flag("-v,--verbose", parsed.build.verbose, "Print the kernel variant chosen and the size of each part");
    build->footer("Arguments after -- are stored as the program's argv[1..]. The kernel gets the network stack,\n"
                  "processes (fork, exec) and polling (poll, select, epoll) only when the program defines the C\n"
                  "library functions for them (or is stripped), and disk support (block) only with --volume;\n"
                  "see --with/--without.");

    CLI::App* run = app.add_subcommand("run", "Boot an image (or a static program) with QEMU");
    run->add_option("IMAGE", parsed.run.target, "Image from `ingot build`, or a static x86_64 ELF")->required()->type_name("IMAGE|PROGRAM");
    run->add_option("--mem", run_mem, "Guest memory, e.g. 64M, 1G (default: the image's, else 64M)")->type_name("SIZE");
    run->add_option("--cpus", run_cpus, "Virtual CPUs (default: the image's, else 1)")->type_name("N");
    run->add_option("--machine", parsed.run.machine, "QEMU machine: microvm, pc or q35")->type_name("MACHINE");
    run->add_option("--env", parsed.run.environment, "Environment entry NAME=VALUE (repeatable)")->type_name("NAME=VALUE");
    run->add_option("--files", parsed.run.files_dir, "Directory to use as the guest's root file system")->type_name("DIR");
    run->add_option("--timeout", parsed.run.timeout_seconds, "Stop the guest after SECONDS")->type_name("SECONDS");
    run->add_option("--log", parsed.run.log_level, "Kernel log level: error, warn, info or debug")->type_name("LEVEL");
    std::string net = "user";
    std::optional<std::string> ip, gateway;
    std::vector<std::string> publish;
    run->add_option("--net", net, "Network: user (QEMU's user network, the default), tap:IFNAME or none")->type_name("MODE");
    run->add_option("--ip", ip, "Static guest address with prefix (default: DHCP)")->type_name("A.B.C.D/P");
    run->add_option("--gateway", gateway, "Gateway for a static address (--net user: 10.0.2.2)")->type_name("A.B.C.D");
    run->add_option("-p,--publish", publish, "Forward a host port to the guest (--net user; repeatable)")->type_name("HOST:GUEST[/udp]");
    run->add_option("--qemu", parsed.run.qemu, "QEMU binary (default: $INGOT_QEMU, else qemu-system-x86_64)")->type_name("PATH");
    run->add_option("--disk", run_disks, "Attach a raw disk image as /dev/vda, /dev/vdb... (repeatable)")->type_name("FILE[:ro]");
    run->add_option("--volume", run_volumes, "Attach a disk image and mount its file system at /PATH (repeatable)")->type_name("FILE:/PATH[:ro]");
    run->add_flag("--dry-run", parsed.run.dry_run, "Print the QEMU command line instead of running it");
    run->add_option("--with", run_with, "For a plain PROGRAM: kernel feature to include (net, process, poll, block)")->type_name("FEATURE");
    run->add_option("--without", run_without, "For a plain PROGRAM: kernel feature it does not need (net, process, poll, block)")->type_name("FEATURE");
    run->footer("Arguments after -- replace the program's arguments (argv[0] stays).\n"
                "KVM where QEMU can run guests with it (see ingot accel), TCG otherwise; INGOT_ACCEL=kvm|tcg decides.");

    CLI::App* disk = app.add_subcommand("disk", "Make disk images for --disk and --volume");
    disk->require_subcommand(1);
    CLI::App* create = disk->add_subcommand("create", "Make FILE an empty (or --from DIR) ext4 or ext2 file system");
    std::string disk_size;
    create->add_option("FILE", parsed.disk_create.file, "Image file to create")->required()->type_name("FILE");
    create->add_option("--size", disk_size, "Image size, e.g. 64M, 1G")->required()->type_name("SIZE");
    create->add_option("--type", parsed.disk_create.type, "File system: ext4 (default) or ext2")->type_name("TYPE");
    create->add_option("--from", parsed.disk_create.from_dir, "Directory whose contents fill the file system")->type_name("DIR");
    create->add_flag("--force", parsed.disk_create.force, "Overwrite FILE if it exists");

    CLI::App* accel = app.add_subcommand("accel", "Print the accelerator `ingot run` uses here: kvm or tcg");
    accel->add_option("--qemu", parsed.accel.qemu, "QEMU binary (default: $INGOT_QEMU, else qemu-system-x86_64)")->type_name("PATH");
    accel->footer("KVM when /dev/kvm opens and QEMU runs a small probe guest under it (the answer is kept in\n"
                  "$XDG_CACHE_HOME/ingot until the next boot); INGOT_ACCEL=kvm or tcg decides instead.");

    std::vector<std::string> reversed(tool_args.rbegin(), tool_args.rend());
    if (!reversed.empty()) reversed.pop_back();  // CLI11 wants the arguments without argv[0]
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        parsed.text = app.help();  // delegates to the subcommand's help when one was named
        return parsed;
    } catch (const CLI::CallForVersion& e) {
        parsed.text = std::string(e.what()) + "\n";
        return parsed;
    } catch (const CLI::ParseError& e) {
        throw usage_error(first_line(e.what()) + " (see ingot --help)");
    }

    if (build->parsed()) {
        parsed.action = ParsedCommandLine::Action::Build;
        parsed.build.args = guest_args;
        if (!build_mem.empty() || build->count("--mem")) parsed.build.mem_bytes = parse_memory_option(build_mem);
        if (build->count("--cpus")) parsed.build.cpus = parse_cpus_option(build_cpus);
        for (const std::string& e : parsed.build.environment) validate_environment_entry(e);
        if (parsed.build.output.empty()) throw usage_error("-o: the image path is empty");
        parsed.build.features = parse_feature_options(build_with, build_without);
        if (build->count("--net")) {
            NetworkOptions network = parse_network_options(build_net, std::nullopt, std::nullopt, {});
            parsed.build.features.no_card = network.mode == NetworkOptions::Mode::None;
        }
        parsed.build.mount_options = parse_build_volumes(build_volumes);
        if (!build_volumes.empty()) request_disks(parsed.build.features, "--volume");
        return parsed;
    }
    if (create->parsed()) {
        parsed.action = ParsedCommandLine::Action::DiskCreate;
        if (!guest_args.empty()) throw usage_error("disk create: unexpected arguments after --");
        std::optional<uint64_t> bytes = parse_size(disk_size);
        if (!bytes) throw usage_error("--size: invalid size '" + disk_size + "' (expected e.g. 64M or 1G)");
        if (*bytes < kMinDiskBytes) throw usage_error("--size: " + disk_size + " is too small (at least 1M)");
        parsed.disk_create.size_bytes = *bytes;
        if (parsed.disk_create.type != "ext4" && parsed.disk_create.type != "ext2")
            throw usage_error("--type: unknown file system '" + parsed.disk_create.type + "' (use ext4 or ext2)");
        return parsed;
    }
    if (accel->parsed()) {
        parsed.action = ParsedCommandLine::Action::Accel;
        if (!guest_args.empty()) throw usage_error("accel: unexpected arguments after --");
        return parsed;
    }
    parsed.action = ParsedCommandLine::Action::Run;
    parsed.run.args = guest_args;
    if (!run_mem.empty() || run->count("--mem")) parsed.run.mem_bytes = parse_memory_option(run_mem);
    if (run->count("--cpus")) parsed.run.cpus = parse_cpus_option(run_cpus);
    for (const std::string& e : parsed.run.environment) validate_environment_entry(e);
    if (!one_of(parsed.run.machine, kMachines))
        throw usage_error("--machine: unknown machine '" + parsed.run.machine + "' (use microvm, pc or q35)");
    if (parsed.run.log_level && !one_of(*parsed.run.log_level, kLogLevels))
        throw usage_error("--log: unknown level '" + *parsed.run.log_level + "' (use error, warn, info or debug)");
    if (parsed.run.timeout_seconds && !(*parsed.run.timeout_seconds > 0 && *parsed.run.timeout_seconds < 1e9))
        throw usage_error("--timeout: expected a positive number of seconds");
    parsed.run.network = parse_network_options(net, ip, gateway, publish);
    parsed.run.disks = parse_disk_options(run_disks, run_volumes);
    parsed.run.features = parse_feature_options(run_with, run_without);
    parsed.run.features.no_card = parsed.run.network.mode == NetworkOptions::Mode::None;
    if (!run_disks.empty()) request_disks(parsed.run.features, "--disk");
    if (!run_volumes.empty()) request_disks(parsed.run.features, "--volume");
    parsed.run.network_asked = run->count("--net") || ip || gateway || !publish.empty();
    return parsed;
}

}  // namespace ingot::tool
