// A disk in /dev (/dev/vda, /dev/vdb, ...): a block special file (S_IFBLK, major 254 as
// virtio_blk gets on Linux, 16 minors per disk) that reads and writes the device at any byte
// offset and length, as Linux's buffered block-device I/O does: partial sectors at either end
// of a write are read, merged and written back.
#pragma once

#include <block/block_device.h>
#include <fs/directory.h>
#include <fs/inode.h>

#include <cstdint>

namespace ingot {

class BlockDeviceFile final : public Inode {
public:
    static constexpr uint32_t kMajor = 254;

    BlockDeviceFile(RefPtr<FileSystem> fs, BlockDevice& device, uint32_t index);

    BlockDevice& device() const { return device_; }
    // The device's capacity in bytes: what lseek(SEEK_END) and BLKGETSIZE64 report.
    uint64_t size() const override { return device_.sector_count() * BlockDevice::kSectorSize; }
    // stat(2) of a block device reports no size, as on Linux.
    InodeStat stat() const override;
    // Reads end at the device's end (0 bytes from there on). EIO on a device error.
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    // Writes stop at the device's end: ENOSPC at or past it (blkdev_write_iter). EPERM on a
    // read-only disk, as Linux answers a write to one. EIO on a device error.
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    // O_TRUNC on a device is ignored (open(2)).
    Result<void> truncate(uint64_t) override { return {}; }
    uint32_t rdev_major() const override { return kMajor; }
    uint32_t rdev_minor() const override { return index_ * 16; }

private:
    BlockDevice& device_;
    uint32_t index_;
};

// Adds /dev/vda, /dev/vdb... to dev, one per registered disk (block/disk_registry.h), as
// files of fs.
void add_block_device_files(Directory& dev, const RefPtr<FileSystem>& fs);

}  // namespace ingot
