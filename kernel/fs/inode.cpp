#include <fs/fs_limits.h>
#include <fs/inode.h>

#include <utility>

namespace ingot {

Inode::Inode(InodeType type, RefPtr<FileSystem> fs, uint32_t permissions)
    : type_(type), fs_(std::move(fs)), inode_number_(fs_->allocate_inode_number()),
      permissions_(permissions & kModePermissionMask) {
    set_all_times(FsTime::now());
}

Inode::Inode(InodeType type, RefPtr<FileSystem> fs, uint32_t permissions, uint64_t inode_number)
    : type_(type), fs_(std::move(fs)), inode_number_(inode_number), permissions_(permissions & kModePermissionMask) {}

void Inode::set_permissions(uint32_t permissions) { permissions_ = permissions & kModePermissionMask; }

void Inode::touch_modified() {
    FsTime now = FsTime::now();
    modify_time_ = change_time_ = now;
}

// relatime (Linux's relatime_need_update): only when the access time is not newer than the
// last modification or change, or is a day old, so that a file read over and over costs no
// write-back of its inode. Nothing moves on a read-only file system.
void Inode::touch_accessed() {
    if (fs_->read_only()) return;
    constexpr int64_t kDaySeconds = 24 * 60 * 60;
    bool newer_than_changes = access_time_ > modify_time_ && access_time_ > change_time_;
    FsTime now = FsTime::now();
    if (!newer_than_changes || now.seconds - access_time_.seconds >= kDaySeconds) access_time_ = now;
}

uint32_t Inode::type_bits() const {
    switch (type_) {
    case InodeType::Directory: return kModeDirectory;
    case InodeType::Regular: return kModeRegular;
    case InodeType::Symlink: return kModeSymlink;
    case InodeType::CharDevice: return kModeCharDevice;
    case InodeType::BlockDevice: return kModeBlockDevice;
    case InodeType::Fifo: return kModeFifo;
    }
    return 0;
}

InodeStat Inode::stat() const {
    InodeStat st;
    st.device = fs_->device_id();
    st.device_major = fs_->device_major();
    st.device_minor = fs_->device_minor();
    st.inode_number = inode_number_;
    st.link_count = link_count();
    st.mode = mode();
    st.uid = uid_;
    st.gid = gid_;
    st.rdev_major = rdev_major();
    st.rdev_minor = rdev_minor();
    st.size = size();
    st.blocks = (allocated_bytes() + kBlockSize - 1) / kBlockSize * (kBlockSize / 512);
    st.block_size = kBlockSize;
    st.access_time = access_time_;
    st.modify_time = modify_time_;
    st.change_time = change_time_;
    return st;
}

Result<size_t> Inode::read_at(uint64_t, IoBuffer&) { return Errno::EINVAL; }
Result<size_t> Inode::write_at(uint64_t, IoBuffer&) { return Errno::EINVAL; }
Result<void> Inode::truncate(uint64_t) { return Errno::EINVAL; }
Result<void> Inode::allocate(uint64_t, uint64_t, bool) { return Errno::EOPNOTSUPP; }
Result<void> Inode::punch_hole(uint64_t, uint64_t) { return Errno::EOPNOTSUPP; }
Result<void> Inode::zero_range(uint64_t, uint64_t, bool) { return Errno::EOPNOTSUPP; }
Result<OwnedString> Inode::read_link() const { return Errno::EINVAL; }

}  // namespace ingot
