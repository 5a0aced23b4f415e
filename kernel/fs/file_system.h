// One mounted file system: its device number (st_dev), whether it may be modified, its
// statfs(2) type, inode numbering and, for tmpfs, space accounting.
#pragma once

#include <fs/ref_counted.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot {

class Inode;

// statfs(2) f_type values (linux/magic.h).
inline constexpr uint64_t kRamfsMagic = 0x858458f6;
inline constexpr uint64_t kTmpfsMagic = 0x01021994;
inline constexpr uint64_t kProcMagic = 0x9fa0;
inline constexpr uint64_t kPipefsMagic = 0x50495045;

// What statfs(2) reports for a file system that counts blocks and inodes itself.
struct FsUsage {
    uint64_t block_size = 0;
    uint64_t blocks = 0, free_blocks = 0, available_blocks = 0;
    uint64_t files = 0, free_files = 0;
};

class FileSystem : public RefCounted {
public:
    // capacity_bytes 0 means unbounded (tmpfs "size=0"), as statfs then reports.
    FileSystem(uint64_t magic, bool read_only, uint64_t capacity_bytes = 0);

    uint64_t magic() const { return magic_; }
    bool read_only() const { return read_only_; }
    // Anonymous block devices have major 0 (Documentation/admin-guide/devices.txt).
    uint32_t device_major() const { return 0; }
    uint32_t device_minor() const { return device_minor_; }
    uint64_t device_id() const;

    // A fresh inode number, unique within this file system.
    uint64_t allocate_inode_number() { return next_inode_number_++; }
    uint64_t inodes_allocated() const { return next_inode_number_ - 1; }

    // Accounts `bytes` of file data; ENOSPC past the capacity.
    Result<void> reserve_bytes(uint64_t bytes);
    void release_bytes(uint64_t bytes);
    uint64_t used_bytes() const { return used_bytes_; }
    uint64_t capacity_bytes() const { return capacity_bytes_; }

    // Disk file systems: fills usage and returns true; memory file systems return false.
    virtual bool usage(FsUsage&) const { return false; }
    // Writes everything cached to stable storage (fsync, syncfs, sync). Memory file systems
    // have nothing to write. EIO when the device fails.
    virtual Result<void> sync() { return {}; }
    // fdatasync(2) of one file: its data, and the metadata needed to read it back (size, block
    // map), on the disk. By default the whole file system's sync.
    virtual Result<void> sync_file_data(Inode&) { return sync(); }
    // FITRIM (fstrim): tells the disk that the free blocks of at least min_length bytes in
    // [start, start + length) are unused; returns the bytes so discarded. ENOTTY where there is
    // no disk (the default), EOPNOTSUPP when the disk cannot discard.
    virtual Result<uint64_t> trim(uint64_t /*start*/, uint64_t /*length*/, uint64_t /*min_length*/) {
        return Errno::ENOTTY;
    }

protected:
    // For a mount that finds, while it sets up and before it has written anything, that it
    // must not write.
    void make_read_only() { read_only_ = true; }

private:
    uint64_t magic_;
    bool read_only_;
    uint32_t device_minor_;
    uint64_t next_inode_number_ = 1;
    uint64_t capacity_bytes_;
    uint64_t used_bytes_ = 0;
};

}  // namespace ingot
