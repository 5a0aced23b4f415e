#include <block/disk_mount_requests.h>
#include <block/disk_registry.h>
#include <fs/disk_mount.h>
#include <lib/format.h>
#include <lib/log.h>

namespace ingot {

Result<DiskMountRequest> parse_disk_mount(size_t disk, std::string_view value) {
    if (value.size() < 4 || value[2] != ':' || value[3] != '/') return Errno::EINVAL;
    std::string_view mode = value.substr(0, 2);
    if (mode != "rw" && mode != "ro") return Errno::EINVAL;
    return DiskMountRequest{disk, mode == "ro", value.substr(3)};
}

std::optional<DiskMountOption> find_disk_mount_option(const image::BootConfig& config, size_t from_disk) {
    for (size_t disk = from_disk; disk < kMaxDisks; ++disk) {
        char key[16];
        format_to(key, sizeof(key), "mount.%zu", disk);
        std::string_view value = config.option(key);
        if (!value.empty()) return DiskMountOption{disk, value};
    }
    return std::nullopt;
}

bool mount_requested_disks(const image::BootConfig& config) {
    std::span<BlockDevice* const> disks = registered_disks();
    for (auto option = find_disk_mount_option(config); option; option = find_disk_mount_option(config, option->disk + 1)) {
        auto [disk, value] = *option;
        Result<DiskMountRequest> request = parse_disk_mount(disk, value);
        Result<void> mounted = Errno::ENODEV;  // no such disk attached
        if (!request.ok()) mounted = request.error();
        else if (disk < disks.size()) mounted = mount_disk(*disks[disk], request.value().path, request.value().read_only);
        if (mounted.ok()) {
            log_debug("disk: /dev/%s mounted at %.*s", disk_name(disk), static_cast<int>(value.size() - 3),
                      value.data() + 3);
            continue;
        }
        log_error("disk %zu (/dev/%s): cannot mount at %.*s: %s", disk, disk_name(disk),
                  static_cast<int>(value.size() > 3 ? value.size() - 3 : value.size()),
                  value.size() > 3 ? value.data() + 3 : value.data(), errno_description(mounted.error()));
        return false;
    }
    return true;
}

}  // namespace ingot
