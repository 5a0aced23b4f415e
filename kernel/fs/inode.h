// An inode: one file of any type, with the metadata stat(2) reports. Subclasses provide the
// data: directories (Directory), regular files (StaticFile over archive bytes, RamFile in
// tmpfs), symbolic links (Symlink, ProcLink) and character devices (CharDevice).
#pragma once

#include <fs/file_mode.h>
#include <fs/file_system.h>
#include <fs/fs_time.h>
#include <fs/io_buffer.h>
#include <fs/owned_string.h>
#include <fs/ref_counted.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot {

enum class InodeType : uint8_t { Directory, Regular, Symlink, CharDevice, BlockDevice, Fifo };

// What stat(2)/statx(2) report about a file, before it is laid out in either ABI structure.
struct InodeStat {
    uint64_t device = 0;  // st_dev, encoded
    uint32_t device_major = 0, device_minor = 0;
    uint64_t inode_number = 0;
    uint64_t link_count = 0;
    uint32_t mode = 0;  // type and permission bits
    uint32_t uid = 0, gid = 0;
    uint32_t rdev_major = 0, rdev_minor = 0;  // character and block devices only
    uint64_t size = 0;
    uint64_t blocks = 0;  // 512-byte units, as st_blocks counts them
    uint32_t block_size = 0;
    FsTime access_time, modify_time, change_time;
};

class Directory;

class Inode : public RefCounted {
public:
    InodeType type() const { return type_; }
    bool is_directory() const { return type_ == InodeType::Directory; }
    bool is_regular() const { return type_ == InodeType::Regular; }
    bool is_symlink() const { return type_ == InodeType::Symlink; }
    bool is_char_device() const { return type_ == InodeType::CharDevice; }
    bool is_block_device() const { return type_ == InodeType::BlockDevice; }

    FileSystem& fs() const { return *fs_; }
    uint64_t inode_number() const { return inode_number_; }
    uint32_t mode() const { return type_bits() | permissions_; }
    uint32_t permissions() const { return permissions_; }
    uint32_t uid() const { return uid_; }
    uint32_t gid() const { return gid_; }

    // Metadata updates; the caller has checked the file system is writable.
    void set_permissions(uint32_t permissions);
    void set_owner(uint32_t uid, uint32_t gid) { uid_ = uid, gid_ = gid; }
    void set_times(FsTime access, FsTime modify) { access_time_ = access, modify_time_ = modify; }
    void set_access_time(FsTime t) { access_time_ = t; }
    void set_modify_time(FsTime t) { modify_time_ = t; }
    void set_change_time(FsTime t) { change_time_ = t; }
    void set_all_times(FsTime t) { access_time_ = modify_time_ = change_time_ = t; }
    // Contents changed: mtime and ctime become now (inode(7)).
    void touch_modified();
    // Metadata changed: ctime becomes now.
    void touch_changed() { change_time_ = FsTime::now(); }
    // Contents read: atime becomes now where Linux's default relatime would move it.
    void touch_accessed();

    // Hard-link count of non-directories; directories compute theirs.
    void add_link() { ++link_count_; }
    void drop_link() { if (link_count_) --link_count_; }
    virtual uint64_t link_count() const { return link_count_; }

    // Size in bytes: file length, symlink target length, directory size as tmpfs reports it.
    virtual uint64_t size() const { return 0; }
    // Bytes of storage in use, for st_blocks.
    virtual uint64_t allocated_bytes() const { return 0; }
    virtual InodeStat stat() const;

    // Regular files and devices. Reads past the end return 0 bytes; the caller checked access.
    virtual Result<size_t> read_at(uint64_t offset, IoBuffer& dst);
    virtual Result<size_t> write_at(uint64_t offset, IoBuffer& src);
    // Sets the length (regular files; growth reads as zeros).
    virtual Result<void> truncate(uint64_t length);
    // lseek(2) SEEK_DATA/SEEK_HOLE on a regular file, for an offset inside it: the first data
    // (resp. hole) offset at or after offset; the end of the file counts as a hole. Files
    // without holes are data throughout.
    virtual uint64_t next_data(uint64_t offset) const { return offset; }
    virtual uint64_t next_hole(uint64_t) const { return size(); }
    // posix_fadvise(POSIX_FADV_DONTNEED): clean cached copies of the file's bytes in
    // [offset, offset + length) may go (length 0: to the end). Only disk files have a cache to drop.
    virtual void drop_cached(uint64_t, uint64_t) {}
    // fallocate(2) on a regular file: space for [offset, offset + length) is set aside, so that
    // writing there cannot fail for lack of it; the file grows to offset + length unless
    // keep_size. EOPNOTSUPP where the file system cannot (the default).
    virtual Result<void> allocate(uint64_t offset, uint64_t length, bool keep_size);
    // fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): [offset, offset + length) reads as
    // zeros and its storage is given back; the size stays. EOPNOTSUPP by default.
    virtual Result<void> punch_hole(uint64_t offset, uint64_t length);
    // fallocate(FALLOC_FL_ZERO_RANGE): [offset, offset + length) reads as zeros with its space
    // still set aside; the file grows to offset + length unless keep_size. EOPNOTSUPP by default
    // (as tmpfs says on Linux).
    virtual Result<void> zero_range(uint64_t offset, uint64_t length, bool keep_size);
    // The target of a symbolic link; EINVAL for anything else (readlink(2)).
    virtual Result<OwnedString> read_link() const;
    // Device numbers of a character or block device.
    virtual uint32_t rdev_major() const { return 0; }
    virtual uint32_t rdev_minor() const { return 0; }

protected:
    Inode(InodeType type, RefPtr<FileSystem> fs, uint32_t permissions);
    // An inode whose number the file system chose (disk file systems: the on-disk number).
    Inode(InodeType type, RefPtr<FileSystem> fs, uint32_t permissions, uint64_t inode_number);
    void set_link_count(uint64_t count) { link_count_ = count; }

private:
    uint32_t type_bits() const;

    InodeType type_;
    RefPtr<FileSystem> fs_;
    uint64_t inode_number_;
    uint32_t permissions_;
    uint32_t uid_ = 0, gid_ = 0;
    uint64_t link_count_ = 1;
    FsTime access_time_, modify_time_, change_time_;
};

using InodeRef = RefPtr<Inode>;

}  // namespace ingot
