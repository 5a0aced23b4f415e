#include <block/disk_registry.h>
#include <fs/block_device_file.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t kSector = BlockDevice::kSectorSize;
// Bytes moved per device request: a staging buffer this large is allocated per call.
constexpr uint64_t kChunkBytes = 64 * 1024;

uint64_t align_down(uint64_t value) { return value - value % kSector; }

}  // namespace

BlockDeviceFile::BlockDeviceFile(RefPtr<FileSystem> fs, BlockDevice& device, uint32_t index)
    : Inode(InodeType::BlockDevice, std::move(fs), device.read_only() ? 0440 : 0660), device_(device),
      index_(index) {}

InodeStat BlockDeviceFile::stat() const {
    InodeStat st = Inode::stat();
    st.size = 0;
    st.blocks = 0;
    return st;
}

Result<size_t> BlockDeviceFile::read_at(uint64_t offset, IoBuffer& dst) {
    uint64_t end = size();
    if (offset >= end || dst.size() == 0) return size_t{0};
    size_t total = static_cast<size_t>(std::min<uint64_t>(dst.size(), end - offset));
    std::vector<uint8_t> staging(kChunkBytes);
    size_t done = 0;
    while (done < total) {
        uint64_t position = offset + done;
        uint64_t first = align_down(position);
        uint64_t last = std::min(first + kChunkBytes, (position + (total - done) + kSector - 1) / kSector * kSector);
        std::span<uint8_t> sectors(staging.data(), last - first);
        if (Result<void> r = device_.read(first / kSector, sectors); !r.ok()) {
            if (done > 0) break;
            return r.error();
        }
        size_t n = static_cast<size_t>(std::min<uint64_t>(last - position, total - done));
        if (Result<void> r = dst.copy_to_buffer(done, staging.data() + (position - first), n); !r.ok()) {
            if (done > 0) break;
            return r.error();
        }
        done += n;
    }
    return done;
}

Result<size_t> BlockDeviceFile::write_at(uint64_t offset, IoBuffer& src) {
    if (device_.read_only()) return Errno::EPERM;
    uint64_t end = size();
    if (src.size() == 0) return size_t{0};
    if (offset >= end) return Errno::ENOSPC;
    size_t total = static_cast<size_t>(std::min<uint64_t>(src.size(), end - offset));
    std::vector<uint8_t> staging(kChunkBytes);
    size_t done = 0;
    while (done < total) {
        uint64_t position = offset + done;
        uint64_t first = align_down(position);
        uint64_t last = std::min(first + kChunkBytes, (position + (total - done) + kSector - 1) / kSector * kSector);
        size_t n = static_cast<size_t>(std::min<uint64_t>(last - position, total - done));
        std::span<uint8_t> sectors(staging.data(), last - first);
        // Read-modify-write: the sectors the write only partly covers keep their other bytes.
        bool partial = position != first || position + n != last;
        Result<void> step = partial ? device_.read(first / kSector, sectors) : Result<void>{};
        if (step.ok()) step = src.copy_from_buffer(done, staging.data() + (position - first), n);
        if (step.ok()) step = device_.write(first / kSector, sectors);
        if (!step.ok()) {
            if (done > 0) break;
            return step.error();
        }
        done += n;
    }
    return done;
}

void add_block_device_files(Directory& dev, const RefPtr<FileSystem>& fs) {
    std::span<BlockDevice* const> disks = registered_disks();
    for (size_t i = 0; i < disks.size(); ++i)
        (void)dev.add_entry(disk_name(i), InodeRef(new BlockDeviceFile(fs, *disks[i], static_cast<uint32_t>(i))));
}

}  // namespace ingot
