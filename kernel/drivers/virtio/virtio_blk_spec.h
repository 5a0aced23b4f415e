// Numbers and layouts of the virtio block device (virtio 1.2 §5.2), shared by the driver and
// the host tests' fake device.
#pragma once

#include <drivers/virtio/virtio_spec.h>

#include <cstdint>

namespace ingot::virtio {

inline constexpr uint32_t kDeviceIdBlock = 2;

// Feature bits (§5.2.3).
namespace blk_feature {
inline constexpr uint64_t kSizeMax = feature::bit(1);     // size_max: largest data segment
inline constexpr uint64_t kSegMax = feature::bit(2);      // seg_max: data segments per request
inline constexpr uint64_t kReadOnly = feature::bit(5);
inline constexpr uint64_t kBlockSize = feature::bit(6);   // blk_size: the optimal block size
inline constexpr uint64_t kFlush = feature::bit(9);
inline constexpr uint64_t kMultiQueue = feature::bit(12);
inline constexpr uint64_t kDiscard = feature::bit(13);
inline constexpr uint64_t kWriteZeroes = feature::bit(14);
}  // namespace blk_feature

// Offsets in the device configuration (§5.2.4, struct virtio_blk_config).
inline constexpr uint32_t kBlkConfigCapacity = 0;              // le64, in 512-byte sectors
inline constexpr uint32_t kBlkConfigSizeMax = 8;               // le32
inline constexpr uint32_t kBlkConfigSegMax = 12;               // le32
inline constexpr uint32_t kBlkConfigBlockSize = 20;            // le32
inline constexpr uint32_t kBlkConfigNumQueues = 34;            // le16
inline constexpr uint32_t kBlkConfigMaxDiscardSectors = 36;    // le32
inline constexpr uint32_t kBlkConfigMaxDiscardSegments = 40;   // le32
inline constexpr uint32_t kBlkConfigDiscardAlignment = 44;     // le32, in sectors
inline constexpr uint32_t kBlkConfigBytes = 60;

// Request types and status values (§5.2.6).
inline constexpr uint32_t kBlkTypeIn = 0;
inline constexpr uint32_t kBlkTypeOut = 1;
inline constexpr uint32_t kBlkTypeFlush = 4;
inline constexpr uint32_t kBlkTypeDiscard = 11;
inline constexpr uint8_t kBlkStatusOk = 0;
inline constexpr uint8_t kBlkStatusIoError = 1;
inline constexpr uint8_t kBlkStatusUnsupported = 2;

// The device-readable header that starts every request (§5.2.6, struct virtio_blk_req).
struct BlkRequestHeader {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
static_assert(sizeof(BlkRequestHeader) == 16);

// One range of a discard request (§5.2.6, struct virtio_blk_discard_write_zeroes).
struct BlkDiscardRange {
    uint64_t sector;
    uint32_t sector_count;
    uint32_t flags;  // bit 0 "unmap": only meaningful for write zeroes
};
static_assert(sizeof(BlkDiscardRange) == 16);

}  // namespace ingot::virtio
