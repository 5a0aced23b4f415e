// The orphan list of ext3/ext4 (Documentation/filesystems/ext4/super.rst, s_last_orphan; the
// "Orphan List" of the ext4 disk layout): a file unlinked while still open keeps its inode
// and blocks until the last holder lets go. The superblock names the first such inode and
// each one's i_dtime names the next. The list goes to the disk in the same commit as the
// unlink, so a crash in between leaves inodes the next mount frees, as Linux's
// ext4_orphan_cleanup does, and e2fsck finds nothing unattached.
//
// Every inode on the list while the file system is mounted is an open one, so the list is
// also in memory: the nodes with on_orphan_list() set, linked through their disk inodes.
#include <fs/ext2/ext2_file_system.h>
#include <fs/ext2/ext2_node.h>
#include <lib/log.h>

namespace ingot::ext2 {

void Ext2FileSystem::join_orphan_list(Ext2Node& node) {
    if (node.on_orphan_list() || sb_.rev_level == 0) return;  // revision 0 has no s_last_orphan
    node.disk().dtime = sb_.last_orphan;
    sb_.last_orphan = node.ino();
    node.set_on_orphan_list(true);
}

void Ext2FileSystem::leave_orphan_list(Ext2Node& node) {
    if (!node.on_orphan_list()) return;
    uint32_t next = node.disk().dtime;
    if (sb_.last_orphan == node.ino()) {
        sb_.last_orphan = next;
    } else {
        for (const CachedNode& n : nodes_) {
            if (n.node->on_orphan_list() && n.node->disk().dtime == node.ino()) {
                n.node->disk().dtime = next;  // stored with every node at the next sync
                break;
            }
        }
    }
    node.disk().dtime = 0;
    node.set_on_orphan_list(false);
}

bool Ext2FileSystem::orphan_list_intact() {
    uint32_t seen = 0;
    for (uint32_t ino = sb_.last_orphan; ino; ++seen) {
        DiskInode disk;
        bool usable = ino >= geo_.first_ino && ino <= geo_.inodes_count && seen < geo_.inodes_count &&
                      read_disk_inode(ino, disk).ok() && disk.mode != 0;
        if (!usable) {
            log_error("ext2: the orphan list is damaged at inode %u: mounting read-only (e2fsck repairs it)", ino);
            return false;
        }
        ino = disk.dtime;
    }
    return true;
}

Result<void> Ext2FileSystem::release_orphans() {
    OperationGuard guard(*this);
    uint32_t freed = 0, truncated = 0;
    while (uint32_t ino = sb_.last_orphan) {  // orphan_list_intact() walked it: it ends
        DiskInode disk;
        TRY(read_disk_inode(ino, disk));
        sb_.last_orphan = disk.dtime;
        disk.dtime = 0;
        Ext2Node node(*this, ino, disk);
        if (disk.links_count == 0) {
            node.release_on_disk((disk.mode & kModeTypeMask) == kModeDirectory);
            ++freed;
        } else {
            // Linked again, or put there by a truncation that did not finish (Linux does
            // that): the blocks past the size go.
            uint64_t bs = geo_.block_size;
            if (!node.is_fast_symlink()) TRY(node.free_blocks_from((node.size() + bs - 1) / bs));
            TRY(write_disk_inode(ino, node.disk()));
            ++truncated;
        }
    }
    log_info("ext2: freed %u orphan inodes and truncated %u that a crash left", freed, truncated);
    return sync();
}

}  // namespace ingot::ext2
