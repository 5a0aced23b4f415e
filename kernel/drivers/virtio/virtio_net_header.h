// The header in front of every packet on a virtio network device's queues (virtio 1.2 §5.1.6)
// and the device's feature bits and configuration layout (§5.1.3, §5.1.4).
#pragma once

#include <drivers/virtio/virtio_spec.h>

#include <cstddef>
#include <cstdint>

namespace ingot::virtio {

// Network device feature bits (§5.1.3). Only the ones the driver reasons about are named.
namespace net_feature {
inline constexpr uint64_t kChecksum = feature::bit(0);          // VIRTIO_NET_F_CSUM
inline constexpr uint64_t kGuestChecksum = feature::bit(1);     // VIRTIO_NET_F_GUEST_CSUM
inline constexpr uint64_t kMtu = feature::bit(3);
inline constexpr uint64_t kMac = feature::bit(5);
inline constexpr uint64_t kGuestTso4 = feature::bit(7);
inline constexpr uint64_t kHostTso4 = feature::bit(11);
inline constexpr uint64_t kMergeableRxBuffers = feature::bit(15);  // VIRTIO_NET_F_MRG_RXBUF
inline constexpr uint64_t kStatus = feature::bit(16);
inline constexpr uint64_t kControlQueue = feature::bit(17);
}  // namespace net_feature

// struct virtio_net_config (§5.1.4): byte offsets of the fields the driver reads.
inline constexpr uint32_t kNetConfigMac = 0;
inline constexpr uint32_t kNetConfigStatus = 6;
inline constexpr uint16_t kNetStatusLinkUp = 1;  // VIRTIO_NET_S_LINK_UP

// struct virtio_net_hdr (§5.1.6). With VIRTIO_F_VERSION_1 num_buffers is always present, so
// the header is 12 bytes whether or not VIRTIO_NET_F_MRG_RXBUF is negotiated.
struct VirtioNetHeader {
    uint8_t flags;             // VIRTIO_NET_HDR_F_*: 0 without checksum offload
    uint8_t gso_type;          // VIRTIO_NET_HDR_GSO_*: NONE without segmentation offload
    uint16_t header_length;    // hdr_len
    uint16_t gso_size;
    uint16_t checksum_start;   // csum_start
    uint16_t checksum_offset;  // csum_offset
    uint16_t buffer_count;     // num_buffers: 0 on transmit, 1 on receive without MRG_RXBUF
};
static_assert(sizeof(VirtioNetHeader) == 12);
static_assert(offsetof(VirtioNetHeader, gso_type) == 1);
static_assert(offsetof(VirtioNetHeader, header_length) == 2);
static_assert(offsetof(VirtioNetHeader, gso_size) == 4);
static_assert(offsetof(VirtioNetHeader, checksum_start) == 6);
static_assert(offsetof(VirtioNetHeader, checksum_offset) == 8);
static_assert(offsetof(VirtioNetHeader, buffer_count) == 10);

inline constexpr uint8_t kNetHeaderNeedsChecksum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
inline constexpr uint8_t kNetHeaderDataValid = 2;      // VIRTIO_NET_HDR_F_DATA_VALID
inline constexpr uint8_t kNetGsoNone = 0;              // VIRTIO_NET_HDR_GSO_NONE

}  // namespace ingot::virtio
