// Disks for the guest: `ingot run --disk FILE[:ro]` and `--volume FILE:/PATH[:ro]` attach raw
// image files as virtio-blk devices (disk 0 is the guest's /dev/vda: every --disk in order,
// then every --volume's file), and `--volume` also asks the kernel to mount the disk at PATH
// (the kernel option mount.N=rw:/PATH or ro:/PATH, kernel/block/disk_mount_requests.h).
// `ingot build --volume /PATH[:ro]` stores only the mount request for the next disk; the file
// comes at run time with --disk.
#pragma once

#include <string>
#include <vector>

namespace ingot::tool {

// Most disks a guest can have (/dev/vda to /dev/vdz).
inline constexpr size_t kMaxGuestDisks = 26;

struct DiskAttachment {
    std::string file;
    bool read_only = false;
};

struct DiskOptions {
    std::vector<DiskAttachment> disks;        // in guest order
    std::vector<std::string> kernel_options;  // "mount.N=rw:/PATH"
};

// Parses run's --disk and --volume values. Throws usage_error (one line) for an empty file
// name, a mount path that is not absolute or is "/", or more than kMaxGuestDisks disks.
DiskOptions parse_disk_options(const std::vector<std::string>& disks, const std::vector<std::string>& volumes);

// Parses build's --volume values ("/PATH[:ro]", disk i for the i-th) into kernel options.
// Throws usage_error for a host file given here, or a bad path.
std::vector<std::string> parse_build_volumes(const std::vector<std::string>& volumes);

// Checks each disk file is a readable (and, unless read-only, writable) regular file; throws
// input_error (status 1) naming the first that is not.
void check_disk_files(const std::vector<DiskAttachment>& disks);

// QEMU's -drive/-device pairs: virtio-blk-device (virtio-mmio) on microvm, virtio-blk-pci on
// pc and q35; raw format, cache=writeback (the guest's flushes reach the host's disk).
std::vector<std::string> qemu_disk_arguments(const std::vector<DiskAttachment>& disks, const std::string& machine);

}  // namespace ingot::tool
