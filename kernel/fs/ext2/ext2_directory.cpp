#include <fs/ext2/ext2_directory.h>
#include <fs/ext2/ext2_file.h>
#include <fs/file_mode.h>
#include <fs/fs_limits.h>

namespace ingot::ext2 {
namespace {

// d_type (dirent.h) for an EXT2_FT_* value.
uint8_t dirent_type_of(uint8_t file_type) {
    static constexpr uint8_t kTypes[] = {0, 8, 4, 2, 6, 1, 12, 10};
    return file_type < sizeof(kTypes) ? kTypes[file_type] : 0;
}

}  // namespace

uint8_t file_type_of_mode(uint32_t mode) {
    switch (mode & kModeTypeMask) {
    case kModeRegular: return kFtRegular;
    case kModeDirectory: return kFtDirectory;
    case kModeSymlink: return kFtSymlink;
    case kModeCharDevice: return kFtCharDev;
    case kModeBlockDevice: return kFtBlockDev;
    case kModeFifo: return kFtFifo;
    case kModeSocket: return kFtSocket;
    default: return kFtUnknown;
    }
}

Ext2Directory::Ext2Directory(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk, DirectoryRef parent)
    : Directory(RefPtr<FileSystem>(&fs), disk.mode, std::move(parent), ino), node_(fs, ino, disk), entries_(node_),
      links_(disk.links_count) {
    node_.load_into(*this);
}

Ext2Directory::~Ext2Directory() {
    Ext2FileSystem::OperationGuard guard(ext2());
    if (!is_removed() && !ext2().unmounted()) entries_.park_index();
    retire_node(node_, *this, is_removed());
}

Result<InodeRef> Ext2Directory::lookup(std::string_view name) {
    Ext2FileSystem::OperationGuard guard(ext2());
    if (name.size() > kNameMax) return Errno::ENAMETOOLONG;
    DirSlot slot = TRY(entries_.find(name));
    return ext2().get_inode(slot.ino, DirectoryRef(this));
}

bool Ext2Directory::name_of(const Inode& child, std::string_view& name) const {
    Ext2FileSystem::OperationGuard guard(ext2());
    DirSlot slot;
    for (uint64_t pos = 0; entries_.next(pos, slot).value_or(false); pos = slot.position + 1) {
        if (slot.ino == child.inode_number() && slot.name != "." && slot.name != "..") {
            name = slot.name;
            return true;
        }
    }
    return false;
}

bool Ext2Directory::is_empty() const {
    Ext2FileSystem::OperationGuard guard(ext2());
    DirSlot slot;
    for (uint64_t pos = 0;; pos = slot.position + 1) {
        Result<bool> more = entries_.next(pos, slot);
        if (!more.ok()) return false;  // unreadable: do not let rmdir drop it
        if (!more.value()) return true;
        if (slot.name != "." && slot.name != "..") return false;
    }
}

bool Ext2Directory::next_child(uint64_t cookie, DirEntry& out) {
    Ext2FileSystem::OperationGuard guard(ext2());
    DirSlot slot;
    for (uint64_t pos = cookie - kFirstChildCookie;; pos = slot.position + 1) {
        Result<bool> more = entries_.next(pos, slot);
        if (!more.ok() || !more.value()) return false;
        if (slot.name == "." || slot.name == "..") continue;
        out.name = slot.name;
        out.inode_number = slot.ino;
        out.type = dirent_type_of(slot.file_type);
        out.cookie = slot.position + kFirstChildCookie;
        return true;
    }
}

void Ext2Directory::increment_links() {
    // dir_nlink: past EXT4_LINK_MAX the count is 1, meaning "many" (ext4_inc_count).
    if (links_ == 1) return;
    if (++links_ >= kLinkMax && ext2().has_dir_nlink()) links_ = 1;
}

void Ext2Directory::decrement_links() {
    if (links_ > 2) --links_;
}

Result<void> Ext2Directory::add_entry(std::string_view name, InodeRef inode) {
    Ext2FileSystem::OperationGuard guard(ext2());
    if (is_removed()) return Errno::ENOENT;
    if (name.size() > kNameMax) return Errno::ENAMETOOLONG;
    if (&inode->fs() != &fs()) return Errno::EXDEV;
    if (entries_.find(name).ok()) return Errno::EEXIST;
    bool directory = inode->is_directory();
    if (directory && links_ + 1 >= kLinkMax && !ext2().has_dir_nlink()) return Errno::EMLINK;
    Result<void> added = entries_.add(name, static_cast<uint32_t>(inode->inode_number()), file_type_of_mode(inode->mode()));
    if (added.ok() && directory) {
        increment_links();
        auto* child = static_cast<Ext2Directory*>(inode.get());
        Result<DirSlot> dotdot = child->entries_.find("..");
        if (dotdot.ok()) added = child->entries_.retarget(dotdot.value().position, node_.ino());
        child->set_parent(DirectoryRef(this));
    }
    ext2().end_operation();
    return added;
}

Result<void> Ext2Directory::remove_entry(std::string_view name) {
    Ext2FileSystem::OperationGuard guard(ext2());
    DirSlot slot = TRY(entries_.find(name));
    Result<void> removed = entries_.remove(slot);
    if (removed.ok() && slot.file_type == kFtDirectory) decrement_links();
    else if (removed.ok() && !ext2().has_filetype()) {
        // Without the filetype feature the entry does not say; the inode does.
        Result<InodeRef> child = ext2().get_inode(slot.ino, DirectoryRef(this));
        if (child.ok() && child.value()->is_directory()) decrement_links();
    }
    ext2().end_operation();
    return removed;
}

void Ext2Directory::mark_removed() {
    Directory::mark_removed();
    links_ = 0;
}

Result<InodeRef> Ext2Directory::link_new(std::string_view name, InodeRef inode) {
    inode->set_all_times(FsTime::now());
    Result<void> added = add_entry(name, inode);
    if (added.ok()) return inode;
    if (inode->is_directory())
        as_directory(inode)->mark_removed();
    else
        inode->drop_link();
    return added.error();
}

Result<InodeRef> Ext2Directory::create_file(std::string_view name, uint32_t permissions) {
    Ext2FileSystem::OperationGuard guard(ext2());
    uint16_t mode = static_cast<uint16_t>(kModeRegular | (permissions & kModePermissionMask));
    InodeRef file = TRY(ext2().create_inode(node_.ino(), mode, DirectoryRef(this)));
    return link_new(name, std::move(file));
}

Result<InodeRef> Ext2Directory::create_directory(std::string_view name, uint32_t permissions) {
    Ext2FileSystem::OperationGuard guard(ext2());
    uint16_t mode = static_cast<uint16_t>(kModeDirectory | (permissions & kModePermissionMask));
    InodeRef inode = TRY(ext2().create_inode(node_.ino(), mode, DirectoryRef(this)));
    auto* dir = static_cast<Ext2Directory*>(inode.get());
    dir->links_ = 2;  // its entry here and its own "."
    Result<void> made = dir->entries_.init(dir->node_.ino(), node_.ino(), kFtDirectory);
    if (!made.ok()) {
        dir->mark_removed();
        return made.error();
    }
    return link_new(name, std::move(inode));
}

Result<InodeRef> Ext2Directory::create_symlink(std::string_view name, std::string_view target) {
    Ext2FileSystem::OperationGuard guard(ext2());
    if (target.size() >= kPathMax) return Errno::ENAMETOOLONG;
    InodeRef inode = TRY(ext2().create_inode(node_.ino(), static_cast<uint16_t>(kModeSymlink | 0777), DirectoryRef(this)));
    Result<void> stored = static_cast<Ext2Symlink*>(inode.get())->set_target(target);
    if (!stored.ok()) {
        inode->drop_link();
        return stored.error();
    }
    return link_new(name, std::move(inode));
}

}  // namespace ingot::ext2
