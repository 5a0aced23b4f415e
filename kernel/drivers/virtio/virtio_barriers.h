// Memory ordering between the driver and a device that shares the virtqueue (virtio 1.2
// §2.7.13 "Supplying Buffers to The Device", §2.7.13.3.1 and §2.7.14 "Receiving Used Buffers
// From The Device"). Ring memory is ordinary write-back RAM and virtio devices are cache
// coherent, so only the CPU's own reordering matters.
//
// On x86-64 (Intel SDM Vol. 3A §9.2.2) stores are not reordered with other stores and loads
// are not reordered with other loads, so the publish and consume barriers below compile to
// nothing but a compiler barrier. A load may pass an older store to another location, so the
// one place the driver stores and then reads what the device wrote (publishing the available
// index, then reading the device's notification suppression) needs a real fence: Linux uses
// virtio_mb() there for the same reason.
#pragma once

namespace ingot::virtio {

// Orders the descriptor and ring-slot writes before the index store that makes them visible
// (§2.7.13.3: "The driver performs a suitable memory barrier before the idx update").
inline void publish_barrier() { __atomic_thread_fence(__ATOMIC_RELEASE); }

// Orders the read of the device's used index before reading the used elements it covers
// (§2.7.14: read barrier after reading used->idx).
inline void consume_barrier() { __atomic_thread_fence(__ATOMIC_ACQUIRE); }

// Orders a store before a later load (§2.7.13.4 and §2.7.10: the available index update
// before reading flags or avail_event; the used_event update before re-reading used->idx).
inline void full_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

}  // namespace ingot::virtio
