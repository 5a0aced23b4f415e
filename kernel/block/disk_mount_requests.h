// The disks the program wants mounted (`ingot build/run --volume`), as the image's config
// records and the boot command line carry them: one kernel option per disk,
//
//     mount.N=rw:/PATH   or   mount.N=ro:/PATH
//
// N the disk's index (0 for /dev/vda). A later option for the same N replaces an earlier one,
// so `ingot run` overrides what `ingot build` stored.
#pragma once

#include <image/boot_config.h>
#include <lib/result.h>

#include <cstddef>
#include <optional>
#include <string_view>

namespace ingot {

struct DiskMountRequest {
    size_t disk = 0;
    bool read_only = false;
    std::string_view path;
};

// The first mount.N option with N >= from_disk (below kMaxDisks), or nullopt when there is none.
struct DiskMountOption {
    size_t disk = 0;
    std::string_view value;  // "rw:/PATH", unchecked
};
std::optional<DiskMountOption> find_disk_mount_option(const image::BootConfig& config, size_t from_disk = 0);

// Parses the value of mount.N. EINVAL unless it is "rw:" or "ro:" followed by an absolute path.
Result<DiskMountRequest> parse_disk_mount(size_t disk, std::string_view value);

// Mounts every requested disk (after the root file system, before the program starts). On the
// first failure prints "disk N (/dev/vdX): cannot mount at PATH: REASON" and returns false;
// the caller ends the boot.
bool mount_requested_disks(const image::BootConfig& config);

}  // namespace ingot
