// Numbers from the virtio 1.2 specification (OASIS, 2022) shared by the ring, the
// transports and the device drivers.
#pragma once

#include <cstdint>

namespace ingot::virtio {

// Device status bits (§2.1).
namespace status {
inline constexpr uint8_t kAcknowledge = 1;
inline constexpr uint8_t kDriver = 2;
inline constexpr uint8_t kDriverOk = 4;
inline constexpr uint8_t kFeaturesOk = 8;
inline constexpr uint8_t kDeviceNeedsReset = 64;
inline constexpr uint8_t kFailed = 128;
}  // namespace status

// Device-independent feature bits (§6, "Reserved Feature Bits").
namespace feature {
inline constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }
inline constexpr uint64_t kIndirectDescriptors = bit(28);
inline constexpr uint64_t kEventIndex = bit(29);
inline constexpr uint64_t kVersion1 = bit(32);
inline constexpr uint64_t kAccessPlatform = bit(33);
inline constexpr uint64_t kRingPacked = bit(34);
}  // namespace feature

// Device IDs (§5).
inline constexpr uint32_t kDeviceIdNetwork = 1;

// Split virtqueue descriptor and ring flags (§2.7.5, §2.7.6, §2.7.8).
inline constexpr uint16_t kDescriptorNext = 1;
inline constexpr uint16_t kDescriptorWrite = 2;
inline constexpr uint16_t kDescriptorIndirect = 4;
inline constexpr uint16_t kAvailNoInterrupt = 1;
inline constexpr uint16_t kUsedNoNotify = 1;

// The largest split virtqueue (§2.7: "The maximum Queue Size value is 32768").
inline constexpr uint32_t kMaxQueueSize = 32768;

// Split virtqueue layout (§2.7.5, §2.7.6, §2.7.8). All fields are little-endian, which is
// the CPU's byte order on x86-64.
struct Descriptor {
    uint64_t address;
    uint32_t length;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(Descriptor) == 16);

struct UsedElement {
    uint32_t id;      // head of the descriptor chain
    uint32_t length;  // bytes the device wrote into the chain's writable part
};
static_assert(sizeof(UsedElement) == 8);

// Bytes of each part of a split virtqueue of `size` entries, including the event index words
// (used_event after the available ring, avail_event after the used ring, §2.7.10).
inline constexpr uint64_t descriptor_table_bytes(uint32_t size) { return 16ull * size; }
inline constexpr uint64_t available_ring_bytes(uint32_t size) { return 6 + 2ull * size; }
inline constexpr uint64_t used_ring_bytes(uint32_t size) { return 6 + 8ull * size; }

// Whether a party that last saw the ring at index old and now at new_index must be notified,
// given the other side's event index (§2.7.10, vring_need_event).
inline constexpr bool need_event(uint16_t event_index, uint16_t new_index, uint16_t old_index) {
    return static_cast<uint16_t>(new_index - event_index - 1) < static_cast<uint16_t>(new_index - old_index);
}

}  // namespace ingot::virtio
