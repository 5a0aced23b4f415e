// The driver's side of one split virtqueue (virtio 1.2 §2.7): a descriptor table, the
// available ring the driver fills and the used ring the device fills, in DMA pages the device
// reaches by physical address. Buffers go in as descriptor chains (device-readable parts
// first, then device-writable parts, §2.7.4) and come back through take_used().
//
// Single-threaded: the kernel polls and adds from one context. Not copyable (the device holds
// the ring's physical addresses).
#pragma once

#include <drivers/virtio/virtio_spec.h>
#include <lib/result.h>
#include <mm/device_memory.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::virtio {

// One physically contiguous piece of a buffer, as the device sees it.
struct DeviceBuffer {
    uint64_t phys;
    uint32_t length;
};

// A chain the device has finished with.
struct UsedBuffer {
    void* token;               // what add_buffer was given
    uint32_t written_length;   // bytes the device wrote, never more than the writable part
};

// Physical addresses of the three parts, for the transport to hand to the device.
struct QueueLayout {
    uint16_t size;
    uint64_t descriptor_table;
    uint64_t available_ring;  // "driver area" (§2.6)
    uint64_t used_ring;       // "device area"
};

class SplitVirtqueue {
public:
    SplitVirtqueue() = default;
    SplitVirtqueue(const SplitVirtqueue&) = delete;
    SplitVirtqueue& operator=(const SplitVirtqueue&) = delete;
    // Frees the ring pages: reset the device first, or it may still write to them.
    ~SplitVirtqueue();

    // Allocates and clears a queue of `size` entries (a power of two, 1 to 32768, §2.7).
    // event_index says whether VIRTIO_F_EVENT_IDX was negotiated (§2.7.7, §2.7.10).
    // EINVAL for a bad size or a second init, ENOMEM when out of pages.
    Result<void> init(uint16_t size, bool event_index);

    // Where the parts live, for the transport (valid after init).
    QueueLayout layout() const;
    uint16_t size() const { return size_; }
    // Descriptors not in use by a chain.
    uint16_t free_descriptors() const { return free_count_; }
    // Chains handed to the device and not yet taken back.
    uint16_t in_flight() const { return in_flight_; }

    // Puts one chain on the available ring: `readable` parts for the device to read, then
    // `writable` parts for it to fill (§2.7.13.1, §2.7.13.2), and makes it visible (§2.7.13.3).
    // token comes back from take_used(). EINVAL for no parts or a zero-length part; ENOSPC
    // when fewer descriptors are free than the chain needs; EIO once the queue is broken.
    Result<void> add_buffer(std::span<const DeviceBuffer> readable, std::span<const DeviceBuffer> writable,
                            void* token);

    // Whether the device wants a notification for what was added since the last call
    // (§2.7.13.4: VIRTQ_USED_F_NO_NOTIFY, or avail_event with VIRTIO_F_EVENT_IDX). The caller
    // then notifies through the transport.
    bool needs_notification();

    // The next chain the device has used, or nothing (§2.7.14). Its descriptors return to the
    // free list. A device that reports an unknown chain or runs past the ring marks the queue
    // broken; from then on nothing more is taken or added.
    std::optional<UsedBuffer> take_used();

    // True when the device has used chains not yet taken.
    bool has_used() const;

    // Asks the device to send (or not) used buffer notifications (§2.7.7). Enabling returns
    // true when used chains are already waiting, so a caller about to sleep polls again first.
    bool enable_interrupts();
    void disable_interrupts();

    // True once the device has broken the ring protocol (see take_used).
    bool broken() const { return broken_; }

private:
    struct ChainInfo {
        void* token = nullptr;
        uint32_t writable_bytes = 0;
        uint16_t descriptor_count = 0;  // 0: this head is not in flight
    };

    uint16_t mask(uint16_t index) const { return index & (size_ - 1); }
    // Ring words the device also touches; read and written with single atomic accesses.
    uint16_t* available_word(size_t index) const { return reinterpret_cast<uint16_t*>(available_) + index; }
    uint16_t* used_word(size_t index) const { return reinterpret_cast<uint16_t*>(used_) + index; }
    void set_used_event(uint16_t value);
    void release_chain(uint16_t head);

    DmaPages pages_;
    Descriptor* descriptors_ = nullptr;
    uint8_t* available_ = nullptr;
    uint8_t* used_ = nullptr;
    std::vector<ChainInfo> chains_;       // indexed by head descriptor
    std::vector<uint16_t> next_free_;     // the free list and chain links, kept out of the
                                          // device's reach so it cannot corrupt them
    uint16_t size_ = 0;
    bool event_index_ = false;
    bool broken_ = false;
    bool interrupts_enabled_ = true;
    uint16_t free_head_ = 0;
    uint16_t free_count_ = 0;
    uint16_t in_flight_ = 0;
    uint16_t next_available_ = 0;       // our shadow of avail->idx
    uint16_t available_at_notify_ = 0;  // avail->idx when needs_notification last ran
    uint16_t last_used_ = 0;            // next used ring index to consume
};

}  // namespace ingot::virtio
