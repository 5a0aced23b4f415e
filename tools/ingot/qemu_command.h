// The QEMU command line that boots an Ingot image, with the host channels of
// kernel/image/host_channels.h wired to file descriptors that `ingot run` reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot::tool {

// The descriptors QEMU inherits for its three output channels (/dev/fd/N chardevs).
inline constexpr int kStdoutChannelFd = 3;   // COM1: the program's stdout
inline constexpr int kStderrChannelFd = 4;   // debugcon 0xE9: stderr and kernel messages
inline constexpr int kControlChannelFd = 5;  // debugcon 0x4E9: "status N" / "panic"

struct QemuInvocation {
    std::string qemu_binary;
    std::string image_path;
    uint64_t mem_bytes = 0;
    unsigned cpus = 1;                 // -smp, and the kernel learns it from cpus_kernel_option()
    std::string machine = "microvm";
    bool use_kvm = false;
    std::string kernel_command_line;  // -append; omitted when empty
    std::vector<std::string> network_arguments;  // -netdev/-device, from qemu_network_arguments()
    std::vector<std::string> disk_arguments;     // -drive/-device, from qemu_disk_arguments()
};

// The full argv (QEMU binary first).
std::vector<std::string> qemu_arguments(const QemuInvocation& invocation);

// The guest boot command line (format.h): "ingot.a=" tokens for argv[0] and `args` (only when
// `args` is non-empty, as they replace the image's arguments), "ingot.e=" for each environment
// entry, "ingot.k=log=LEVEL" for a log level and "ingot.k=OPTION" for each kernel option;
// values percent-encoded, tokens space-separated.
std::string boot_command_line(const std::string& argv0, const std::vector<std::string>& args,
                              const std::vector<std::string>& environment,
                              const std::optional<std::string>& log_level,
                              const std::vector<std::string>& kernel_options = {});

// The kernel option that tells the guest how many CPUs to start ("cpus=N", proc/cpus.h).
std::string cpus_kernel_option(unsigned cpus);
// The CPU count an image's config records ask for ("k" "cpus=N"), if any.
std::optional<unsigned> cpus_in_records(const std::vector<std::string>& records);

// QEMU's -m value: the size in MiB, rounded up ("64M").
std::string qemu_memory_argument(uint64_t bytes);

// True when /dev/kvm can be opened for reading and writing: needed for KVM, but not proof that
// QEMU can run guests with it (accelerator.h decides).
bool kvm_available();

// The QEMU binary to run: `flag` if given, else $INGOT_QEMU, else qemu-system-x86_64 from PATH.
// Throws ToolError (status 126) when it cannot be found or is not executable.
std::string find_qemu(const std::optional<std::string>& flag);

// The argv as one line a POSIX shell would accept, for --dry-run.
std::string shell_quote(const std::vector<std::string>& argv);

}  // namespace ingot::tool
