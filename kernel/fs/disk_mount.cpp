// The disks in the tree: each mounted ext2/ext4 file system is kept here until shutdown, when
// it is written back and marked clean.
#include <block/disk_registry.h>
#include <fs/disk_mount.h>
#include <fs/ext2/ext2_file_system.h>
#include <fs/root_filesystem.h>
#include <lib/log.h>

namespace ingot {
namespace {

constexpr size_t kMaxMounts = 16;
// Each slot holds one counted reference (no static destructors in the kernel).
constinit ext2::Ext2FileSystem* mounted[kMaxMounts] = {};

}  // namespace

Result<void> mount_disk(BlockDevice& device, std::string_view mount_path, bool read_only) {
    size_t slot = 0;
    while (slot < kMaxMounts && mounted[slot]) ++slot;
    if (slot == kMaxMounts) return Errno::EINVAL;
    RefPtr<ext2::Ext2FileSystem> fs = TRY(ext2::Ext2FileSystem::mount(device, read_only));
    Result<void> grafted = graft_mount(mount_path, [&](DirectoryRef parent) { return fs->root(std::move(parent)); });
    if (!grafted.ok()) {
        (void)fs->unmount();
        return grafted.error() == Errno::EIO ? Errno::EIO : Errno::EINVAL;
    }
    mounted[slot] = fs.leak();
    log_info("ext2: mounted %.*s%s", static_cast<int>(mount_path.size()), mount_path.data(),
             mounted[slot]->read_only() ? " read-only" : "");
    return {};
}

void sync_all_disks() {
    for (ext2::Ext2FileSystem* fs : mounted) {
        if (!fs) continue;
        Result<void> synced = fs->sync();
        if (!synced.ok()) log_error("ext2: sync failed (errno %d)", static_cast<int>(synced.error()));
    }
    for (BlockDevice* disk : registered_disks()) (void)disk->flush();
}

void unmount_all_disks() {
    for (ext2::Ext2FileSystem*& fs : mounted) {
        if (!fs) continue;
        Result<void> done = fs->unmount();
        if (!done.ok()) log_error("ext2: unmount failed (errno %d); the disk needs e2fsck", static_cast<int>(done.error()));
        // The file system object stays alive while inodes in the tree refer to it.
        fs->unref();
        fs = nullptr;
    }
}

}  // namespace ingot
