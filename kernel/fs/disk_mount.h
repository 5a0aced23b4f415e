// Disks in the file-system tree: mounting the file system a block device holds at a path the
// user chose (`ingot run --volume`), and the clean unmount at shutdown that leaves it
// consistent for the host's e2fsck.
#pragma once

#include <block/block_device.h>
#include <lib/result.h>

#include <string_view>

namespace ingot {

// Mounts the file system on device at mount_path (absolute, outside /tmp, /dev and /proc;
// directories missing from the read-only root are made as mount points). read_only mounts it
// read-only even on a writable device. The device must outlive the mount. Errors: EINVAL for a
// bad path, EINVAL for a disk that holds no file system this kernel understands, EROFS when a
// read-only device holds a file system that must be written to be mounted (journal replay),
// EIO when the device fails. The caller reports the error.
Result<void> mount_disk(BlockDevice& device, std::string_view mount_path, bool read_only);

// Writes back everything cached for every mounted disk, flushes the devices and marks each
// file system cleanly unmounted. Called once as the program's last process ends.
void unmount_all_disks();

// Writes back everything cached for every mounted disk, then flushes the write cache of every
// disk, mounted or not (sync(2)); failures are logged.
void sync_all_disks();

}  // namespace ingot
