// What file systems need from a disk: synchronous reads and writes of whole 512-byte sectors,
// a cache flush that makes every completed write durable, and the device's size. virtio-blk
// implements it in the kernel; unit tests use MemoryBlockDevice.
//
// Durability contract (virtio 1.2 §5.2.6.4, VIRTIO_BLK_T_FLUSH): a completed write may still
// sit in a volatile cache until flush() returns; after flush() returns, every write that had
// completed before it was issued survives a power loss. Writes are not atomic beyond one sector.
#pragma once

#include <lib/result.h>

#include <cstdint>
#include <span>

namespace ingot {

// One piece of a scattered write (BlockDevice::write_scattered).
struct SectorWrite {
    uint64_t sector;
    std::span<const uint8_t> bytes;  // a multiple of BlockDevice::kSectorSize
};

class BlockDevice {
public:
    static constexpr uint32_t kSectorSize = 512;

    virtual ~BlockDevice() = default;

    // Capacity in 512-byte sectors.
    virtual uint64_t sector_count() const = 0;
    // True when the host gave the disk read-only (write() then fails with EROFS).
    virtual bool read_only() const = 0;

    // Reads buffer.size() bytes (a multiple of kSectorSize) starting at sector. EIO when the
    // device reports an error or the range runs past the end.
    virtual Result<void> read(uint64_t sector, std::span<uint8_t> buffer) = 0;
    // Writes buffer.size() bytes (a multiple of kSectorSize) starting at sector. EROFS on a
    // read-only disk, EIO on a device error or a range past the end.
    virtual Result<void> write(uint64_t sector, std::span<const uint8_t> buffer) = 0;
    // Writes every piece, as write() would one after another, with the same errors; but a
    // device may keep several pieces in flight at once and join pieces that follow each other
    // on the disk, so writing back scattered blocks costs a round trip per batch rather than
    // per block. The pieces reach the disk in no particular order (a flush orders them), and
    // after an error any of them may or may not have been written.
    virtual Result<void> write_scattered(std::span<const SectorWrite> pieces) {
        for (const SectorWrite& piece : pieces) TRY(write(piece.sector, piece.bytes));
        return {};
    }
    // Makes every completed write durable; EIO when the device fails to.
    virtual Result<void> flush() = 0;
    // Tells the device the sectors' contents are no longer needed (they may then read as
    // anything). EOPNOTSUPP when the device does not offer discard; callers may ignore that.
    virtual Result<void> discard(uint64_t sector, uint64_t count) = 0;
};

}  // namespace ingot
