// One kernel variant's answer to features/feature_hooks.h. This file alone is compiled once
// per variant (kernel/CMakeLists.txt, ingot_kernel_variant), with the INGOT_FEATURE_* macros
// (NET, NET_CARD, BLOCK, PROCESS, POLL) set to 0 or 1; everything else is compiled once and
// shared. What a hook does not name here, --gc-sections leaves out of the variant.
#include <features/feature_hooks.h>
#include <image/kernel_features.h>
#include <lib/log.h>

#if INGOT_FEATURE_NET
#include <fs/fs_context.h>
#include <lib/clock.h>
#include <linux/sys_socket.h>
#include <net/network_setup.h>
#include <net/network_stack.h>
#endif

#include <block/disk_mount_requests.h>
#include <block/disk_registry.h>
#if INGOT_FEATURE_BLOCK
#include <drivers/pci/pci_config_space.h>
#include <drivers/virtio/block_device_discovery.h>
#include <fs/block_device_file.h>
#include <fs/disk_mount.h>
#endif

#if INGOT_FEATURE_PROCESS
#include <linux/sys_families.h>
#endif
#if INGOT_FEATURE_POLL
#include <linux/sys_poll.h>
#endif

#if !defined(INGOT_FEATURE_NET) || !defined(INGOT_FEATURE_NET_CARD) || !defined(INGOT_FEATURE_BLOCK) || \
    !defined(INGOT_FEATURE_PROCESS) || !defined(INGOT_FEATURE_POLL)
#error "compile feature_table.cpp with INGOT_FEATURE_NET, _NET_CARD, _BLOCK, _PROCESS and _POLL set to 0 or 1"
#endif
#if INGOT_FEATURE_NET_CARD && !INGOT_FEATURE_NET
#error "INGOT_FEATURE_NET_CARD needs INGOT_FEATURE_NET"
#endif

namespace ingot {
namespace {

constexpr uint32_t kFeatures = (INGOT_FEATURE_NET ? image::kFeatureNet : 0u) |
                               (INGOT_FEATURE_NET_CARD ? image::kFeatureNetCard : 0u) |
                               (INGOT_FEATURE_BLOCK ? image::kFeatureBlock : 0u) |
                               (INGOT_FEATURE_PROCESS ? image::kFeatureProcess : 0u) |
                               (INGOT_FEATURE_POLL ? image::kFeaturePoll : 0u);

#ifdef INGOT_KERNEL
// The ELF note `ingot run` reads to learn what an image's kernel has (image/kernel_features.h);
// the linker script keeps it.
struct FeatureNote {
    uint32_t name_size = sizeof(image::kFeatureNoteName);
    uint32_t descriptor_size = sizeof(uint32_t);
    uint32_t type = image::kFeatureNoteType;
    char name[8] = {'I', 'n', 'g', 'o', 't', 0, 0, 0};  // padded to 4 bytes (gABI "Note Section")
    uint32_t features = kFeatures;
};
static_assert(sizeof(image::kFeatureNoteName) == 6);
[[gnu::section(".note.ingot"), gnu::used, gnu::aligned(4)]] const FeatureNote kFeatureNote{};
#endif

}  // namespace

uint32_t kernel_features() { return kFeatures; }

// The boot hooks exist in the kernel only: the host library (unit tests, the ingot tool) boots
// nothing, and the card's discovery needs the kernel's interrupt and PCI code.
#ifdef INGOT_KERNEL
#if INGOT_FEATURE_NET

void start_image_networking(std::string_view command_line, const image::BootConfig& config) {
#if INGOT_FEATURE_NET_CARD
    net::start_networking(command_line, config);
#else
    (void)command_line;
    if (!config.option("ip").empty())
        log_info("net: this image serves loopback only (built with --net none); ignoring ip=");
    net::start_loopback_networking();
#endif
}

void finish_image_networking() {
    if (!net::machine_network()) return;
    current_fs().fds.close_all();
    net::drain_network(2 * kNanosPerSecond);
}

#else  // !INGOT_FEATURE_NET

void start_image_networking(std::string_view, const image::BootConfig& config) {
    if (!config.option("ip").empty()) log_info("net: this image has no network stack; ignoring ip=");
}

void finish_image_networking() {}

#endif

#if INGOT_FEATURE_BLOCK

void find_image_disks(std::string_view command_line) {
    virtio::register_block_devices({.pci = &pci::platform_pci_config_space(), .command_line = command_line});
}

bool mount_image_disks(const image::BootConfig& config) { return mount_requested_disks(config); }

#else  // !INGOT_FEATURE_BLOCK

void find_image_disks(std::string_view) {}

// The disk is not even looked for: the first mount request ends the boot with the reason.
bool mount_image_disks(const image::BootConfig& config) {
    std::optional<DiskMountOption> option = find_disk_mount_option(config);
    if (!option) return true;
    std::string_view path = option->value.size() > 3 ? option->value.substr(3) : option->value;  // after "rw:"
    log_error("disk %zu (/dev/%s): cannot mount at %.*s: this image has no disk support (rebuild it with "
              "`ingot build --volume` or `--with block`)",
              option->disk, disk_name(option->disk), static_cast<int>(path.size()), path.data());
    return false;
}

#endif
#endif  // INGOT_KERNEL

#if INGOT_FEATURE_BLOCK

void add_image_disk_files(Directory& dev, const RefPtr<FileSystem>& fs) { add_block_device_files(dev, fs); }
void sync_image_disks() { sync_all_disks(); }
void unmount_image_disks() { unmount_all_disks(); }

#else  // !INGOT_FEATURE_BLOCK

void add_image_disk_files(Directory&, const RefPtr<FileSystem>&) {}
void sync_image_disks() {}
void unmount_image_disks() {}

#endif

#if INGOT_FEATURE_NET

#define INGOT_DEFINE_IMAGE_SYSCALL(name) \
    Result<int64_t> image_sys_##name(const SyscallArgs& args) { return sys_##name(args); }

#else

consteval bool creates_socket(std::string_view name) { return name == "socket" || name == "socketpair"; }

#define INGOT_DEFINE_IMAGE_SYSCALL(name)                                                            \
    Result<int64_t> image_sys_##name(const SyscallArgs& args) {                                     \
        if constexpr (creates_socket(#name)) return refuse_socket_creation(args);                   \
        else return refuse_socket_descriptor(args);                                                 \
    }

#endif

INGOT_SOCKET_SYSCALLS(INGOT_DEFINE_IMAGE_SYSCALL)
#undef INGOT_DEFINE_IMAGE_SYSCALL

#define INGOT_FORWARD_IMAGE_SYSCALL(name) \
    Result<int64_t> image_sys_##name(const SyscallArgs& args) { return sys_##name(args); }
#define INGOT_REFUSE_PROCESS_SYSCALL(name) \
    Result<int64_t> image_sys_##name(const SyscallArgs& args) { return refuse_process_syscall(args); }
#define INGOT_REFUSE_POLL_SYSCALL(name) \
    Result<int64_t> image_sys_##name(const SyscallArgs& args) { return refuse_poll_syscall(args); }

#if INGOT_FEATURE_PROCESS
Result<int> image_fork_process(const ForkRequest& request) { return fork_process(request); }
INGOT_PROCESS_SYSCALLS(INGOT_FORWARD_IMAGE_SYSCALL)
#else
Result<int> image_fork_process(const ForkRequest&) { return refuse_process_creation(); }
INGOT_PROCESS_SYSCALLS(INGOT_REFUSE_PROCESS_SYSCALL)
#endif

#if INGOT_FEATURE_POLL
INGOT_POLL_SYSCALLS(INGOT_FORWARD_IMAGE_SYSCALL)
#else
INGOT_POLL_SYSCALLS(INGOT_REFUSE_POLL_SYSCALL)
#endif

#undef INGOT_FORWARD_IMAGE_SYSCALL
#undef INGOT_REFUSE_PROCESS_SYSCALL
#undef INGOT_REFUSE_POLL_SYSCALL

}  // namespace ingot
