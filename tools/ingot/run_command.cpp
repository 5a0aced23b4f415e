#include <ingot/run_command.h>

#include <ingot/accelerator.h>
#include <ingot/build_command.h>
#include <ingot/cpio_writer.h>
#include <ingot/disk_options.h>
#include <ingot/file_io.h>
#include <ingot/network_options.h>
#include <ingot/image_reader.h>
#include <ingot/image_writer.h>
#include <ingot/kernel_choice.h>
#include <ingot/kernel_source.h>
#include <ingot/listen_backlog.h>
#include <ingot/payload_builder.h>
#include <ingot/qemu_command.h>
#include <ingot/qemu_process.h>
#include <ingot/tool_error.h>

#include <image/host_channels.h>
#include <image/kernel_features.h>

#include <fmt/core.h>

#include <sys/socket.h>

#include <cstdio>
#include <memory>

namespace ingot::tool {

namespace {

// The image to boot and what the run needs to know about it.
struct PreparedImage {
    std::vector<uint8_t> bytes;  // set when the image must be written to a temporary file
    bool temporary = false;
    uint64_t mem_bytes = 0;      // the image's default, 0 if none
    unsigned cpus = 1;           // the image's default
    std::string argv0;
    uint32_t kernel_features = ~0u;  // image::KernelFeature bits; all when the kernel does not say
    std::string kernel_description;  // for a note: "IMAGE's kernel" or "the base kernel chosen for PROGRAM"
};

// The network the run gives the guest. Without a network card driver in the kernel a card would
// only slow the boot down: the run gets none, and says so when the command line asked for one.
NetworkOptions usable_network(const RunOptions& options, const PreparedImage& prepared) {
    if (prepared.kernel_features & image::kFeatureNetCard) return options.network;
    if (options.network.mode == NetworkOptions::Mode::None) return options.network;
    if (options.network_asked) {
        bool loopback = prepared.kernel_features & image::kFeatureNet;
        fmt::print(stderr, "ingot: note: {} has {}; running without a network card (build with --with net for one)\n",
                   prepared.kernel_description, loopback ? "loopback networking only" : "no network stack");
    }
    return NetworkOptions{};  // Mode::None
}

// Disks need a kernel with disk support (the block feature); an image built without it cannot
// use them, and says so before QEMU starts.
void check_disk_support(const RunOptions& options, const PreparedImage& prepared) {
    if (options.disks.disks.empty() || (prepared.kernel_features & image::kFeatureBlock)) return;
    throw input_error(prepared.kernel_description + " has no disk support, so --disk and --volume cannot be used "
                      "(rebuild it with --volume or --with block)");
}

PreparedImage prepare_image(const RunOptions& options, const EmbeddedKernels& embedded_kernels) {
    std::vector<uint8_t> target = read_file(options.target);
    PreparedImage prepared;
    std::optional<ImagePayload> payload = find_payload(target);
    if (payload) {
        prepared.mem_bytes = payload->header.mem_bytes;
        prepared.cpus = cpus_in_records(payload->records).value_or(1);
        prepared.argv0 = payload_argv0(*payload);
        prepared.kernel_features = read_kernel_features(target).value_or(~0u);
        prepared.kernel_description = options.target + "'s kernel";
        if (options.files_dir) {
            // Same kernel, program and configuration; only the root file system changes.
            std::vector<uint8_t> files = pack_directory_tree(*options.files_dir);
            PayloadContents contents;
            contents.program = payload->program;
            contents.files = files;
            contents.records = payload->records;
            contents.mem_bytes = payload->header.mem_bytes;
            contents.program_path = payload->header.program_path;
            prepared.bytes = write_image(kernel_of_image(target, *payload), build_payload(contents));
            prepared.temporary = true;
        }
        return prepared;
    }
    check_program(target, options.target);
    std::vector<uint8_t> files;
    if (options.files_dir) files = pack_directory_tree(*options.files_dir);
    KernelChoice choice = choose_kernel(target, options.features);
    LoadedKernel kernel = load_kernel(embedded_kernels, choice.features);
    prepared.kernel_features = kernel.features;
    prepared.kernel_description = "the " + variant_name(kernel.features) + " kernel chosen for " + options.target +
                                  " (" + choice.reason + ")";
    prepared.bytes = build_image_bytes(kernel.bytes, target, options.target, files, {}, {}, 0);
    prepared.argv0 = guest_program_path(options.target);
    prepared.temporary = true;
    return prepared;
}

std::string format_seconds(double seconds) {
    return seconds == static_cast<double>(static_cast<int64_t>(seconds)) ? fmt::format("{}", static_cast<int64_t>(seconds))
                                                                          : fmt::format("{}", seconds);
}

// Once QEMU listens on the forwarded TCP host ports, gives those sockets a full backlog in
// place of libslirp's 1 (listen_backlog.h says why). Failing that, the run goes on as before.
StartupStep raise_forward_backlogs(const NetworkOptions& network, bool verbose) {
    if (network.mode != NetworkOptions::Mode::User) return {};
    auto pending = std::make_shared<std::vector<uint16_t>>();
    for (const PortForward& forward : network.forwards) {
        if (!forward.udp) pending->push_back(forward.host_port);
    }
    if (pending->empty()) return {};
    return [pending, verbose](pid_t qemu) {
        BacklogChange change = raise_listen_backlog(qemu, *pending, SOMAXCONN);
        if (!change.error.empty()) {
            fmt::print(stderr,
                       "ingot: warning: cannot raise the listen backlog of the forwarded ports ({}); bursts of "
                       "connections may wait 1 s for the host to retry\n",
                       change.error);
            return true;
        }
        for (uint16_t port : change.raised) {
            if (verbose) fmt::print(stderr, "ingot: host port {} now listens with a backlog of {}\n", port, SOMAXCONN);
        }
        *pending = change.missing;
        return pending->empty();
    };
}

}  // namespace

int run_run(const RunOptions& options, const EmbeddedKernels& embedded_kernels) {
    AccelSetting accel_setting = accel_setting_from_environment();
    PreparedImage prepared = prepare_image(options, embedded_kernels);

    QemuInvocation invocation;
    invocation.qemu_binary = find_qemu(options.qemu);
    invocation.machine = options.machine;
    // A dry run starts nothing, the probe included: it shows the remembered answer, or else
    // takes KVM on /dev/kvm's word and says so.
    AccelChoice accel = choose_accelerator(accel_setting, invocation.qemu_binary, embedded_kernels.smallest_bytes(),
                                           options.dry_run ? ProbePolicy::Assume : ProbePolicy::Probe);
    invocation.use_kvm = accel.accelerator == Accelerator::Kvm;
    invocation.mem_bytes = options.mem_bytes ? *options.mem_bytes
                           : prepared.mem_bytes ? prepared.mem_bytes
                                                : kDefaultMemBytes;
    check_disk_support(options, prepared);
    check_disk_files(options.disks.disks);
    NetworkOptions network = usable_network(options, prepared);
    std::vector<std::string> kernel_options = network_kernel_options(network);
    kernel_options.insert(kernel_options.end(), options.disks.kernel_options.begin(), options.disks.kernel_options.end());
    invocation.cpus = options.cpus.value_or(prepared.cpus);
    if (options.cpus) kernel_options.push_back(cpus_kernel_option(*options.cpus));  // overrides the image's
    invocation.kernel_command_line = boot_command_line(prepared.argv0, options.args, options.environment,
                                                       options.log_level, kernel_options);
    invocation.network_arguments = qemu_network_arguments(network, options.machine);
    invocation.disk_arguments = qemu_disk_arguments(options.disks.disks, options.machine);

    if (options.dry_run) {
        // The temporary image exists only while a run lasts; name it by what it would hold.
        invocation.image_path = prepared.temporary ? "<temporary image of " + options.target + ">" : options.target;
        if (accel.assumed)
            fmt::print(stderr, "ingot: note: KVM has not been probed on this host yet; the command assumes it works "
                               "(`ingot accel` probes it)\n");
        fmt::print("{}\n", shell_quote(qemu_arguments(invocation)));
        std::fflush(stdout);
        return 0;
    }

    std::unique_ptr<TemporaryFile> temporary;
    if (prepared.temporary) {
        temporary = std::make_unique<TemporaryFile>(prepared.bytes, ".img");
        invocation.image_path = temporary->path();
        prepared.bytes = {};
    } else {
        invocation.image_path = options.target;
    }

    bool verbose = options.log_level && *options.log_level == "debug";
    GuestOutcome result = run_qemu(qemu_arguments(invocation), options.timeout_seconds,
                                   verbose ? QemuOutput::RelayGuestAndQemu : QemuOutput::RelayGuest,
                                   raise_forward_backlogs(network, verbose));
    switch (result.end) {
        case GuestOutcome::End::Reported:
            if (result.control == ControlChannel::Outcome::Panic) {
                fmt::print(stderr, "ingot: kernel panic (see messages above)\n");
                return image::kStatusPanic;
            }
            return result.status;
        case GuestOutcome::End::TimedOut:
            fmt::print(stderr, "ingot: guest did not finish within {} s\n", format_seconds(*options.timeout_seconds));
            return image::kStatusTimeout;
        case GuestOutcome::End::Interrupted:
            fmt::print(stderr, "ingot: interrupted by signal {}; guest stopped\n", result.signal);
            return 128 + result.signal;
        case GuestOutcome::End::NoReport:
            break;
    }
    if (!verbose && !result.qemu_messages.empty()) {
        std::fwrite(result.qemu_messages.data(), 1, result.qemu_messages.size(), stderr);
        if (result.qemu_messages.back() != '\n') std::fputc('\n', stderr);
    }
    fmt::print(stderr, "ingot: error: the guest ended without reporting a status (QEMU {})\n",
               describe_wait_status(result.qemu_wait_status));
    return image::kStatusVmFailed;
}

}  // namespace ingot::tool
