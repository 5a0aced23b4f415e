#include <fs/disk_mount.h>

namespace ingot {

Result<void> mount_disk(BlockDevice&, std::string_view, bool) { return Errno::EINVAL; }

void unmount_all_disks() {}

}  // namespace ingot
