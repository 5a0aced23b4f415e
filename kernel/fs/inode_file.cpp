#include <fs/fs_limits.h>
#include <fs/inode_file.h>
#include <fs/vfs.h>

#include <utility>

namespace ingot {
namespace {
constexpr int kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2, kSeekData = 3, kSeekHole = 4;
}

InodeFile::InodeFile(InodeRef inode, uint32_t flags, DirectoryRef parent, std::string_view name)
    : OpenFile(flags), inode_(std::move(inode)), parent_(std::move(parent)), name_(name) {}

Result<size_t> InodeFile::read(IoBuffer& dst) {
    if (inode_->is_directory()) return Errno::EISDIR;
    size_t n = TRY(inode_->read_at(offset(), dst));
    if (!inode_->is_char_device()) set_offset(offset() + n);
    note_accessed(*inode_);
    return n;
}


Result<size_t> InodeFile::write(IoBuffer& src) {
    // O_APPEND: "the file offset is positioned at the end of the file" before each write.
    if (is_append() && inode_->is_regular()) set_offset(inode_->size());
    size_t n = TRY(inode_->write_at(offset(), src));
    if (!inode_->is_char_device()) set_offset(offset() + n);
    return n;
}

Result<size_t> InodeFile::read_at(uint64_t offset, IoBuffer& dst) {
    if (inode_->is_directory()) return Errno::EISDIR;
    size_t n = TRY(inode_->read_at(offset, dst));
    note_accessed(*inode_);
    return n;
}

Result<size_t> InodeFile::write_at(uint64_t offset, IoBuffer& src) {
    // pwrite(2) BUGS: with O_APPEND, Linux appends regardless of the offset.
    if (is_append() && inode_->is_regular()) offset = inode_->size();
    return inode_->write_at(offset, src);
}

Result<int64_t> InodeFile::seek(int64_t offset, int whence) {
    // Devices ignore seeks and report position 0 (drivers/char/mem.c null_lseek).
    if (inode_->is_char_device()) return int64_t{0};
    int64_t size = static_cast<int64_t>(inode_->size());
    int64_t base = 0;
    switch (whence) {
    case kSeekSet: break;
    case kSeekCur: base = static_cast<int64_t>(this->offset()); break;
    case kSeekEnd:
        if (inode_->is_directory()) return Errno::EINVAL;
        base = size;
        break;
    case kSeekData:
    case kSeekHole: {
        // lseek(2): ENXIO when the offset is at or past the end of the file.
        if (!inode_->is_regular()) return Errno::EINVAL;
        if (offset < 0 || offset >= size) return Errno::ENXIO;
        uint64_t start = static_cast<uint64_t>(offset);
        uint64_t found = whence == kSeekData ? inode_->next_data(start) : inode_->next_hole(start);
        if (whence == kSeekData && found >= static_cast<uint64_t>(size)) return Errno::ENXIO;
        set_offset(found);
        return static_cast<int64_t>(found);
    }
    default: return Errno::EINVAL;
    }
    // lseek(2) EINVAL: "the resulting file offset would be negative"; EOVERFLOW when it
    // cannot be represented.
    if (offset > 0 && base > static_cast<int64_t>(kMaxFileSize) - offset) return Errno::EOVERFLOW;
    int64_t target = base + offset;
    if (target < 0) return Errno::EINVAL;
    set_offset(static_cast<uint64_t>(target));
    return target;
}

Result<int> InodeFile::bytes_readable() const {
    // FIONREAD on a regular file: bytes between the offset and the end (fs/ioctl.c).
    if (!inode_->is_regular()) return Errno::ENOTTY;
    uint64_t size = inode_->size();
    uint64_t left = offset() < size ? size - offset() : 0;
    return static_cast<int>(left > 0x7fffffff ? 0x7fffffff : left);
}

uint32_t InodeFile::poll_events() const {
    // Regular files and these devices never block (poll(2)).
    return kPollIn | kPollOut;
}

OwnedString InodeFile::describe() const {
    if (inode_->is_directory()) {
        Result<OwnedString> path = vfs::absolute_path(as_directory(inode_));
        return path.ok() ? path.release_value() : OwnedString("(unreachable)");
    }
    OwnedString path;
    if (parent_) {
        Result<OwnedString> dir = vfs::absolute_path(parent_);
        if (dir.ok()) path = dir.release_value();
        if (path.view() != "/") path.append('/');
    } else {
        path.append('/');
    }
    path.append(name_.view());
    // proc(5): a file that has been unlinked shows " (deleted)" after its last name.
    bool linked = false;
    if (parent_) {
        Result<InodeRef> found = parent_->lookup(name_.view());
        linked = found.ok() && found.value() == inode_;
    }
    if (!linked) path.append(" (deleted)");
    return path;
}

}  // namespace ingot
