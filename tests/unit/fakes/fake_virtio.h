// The device side of virtio for host tests: a split virtqueue consumer/producer working on
// the simulated physical memory of fake_machine, and a virtio transport with a scriptable
// device behind it (status register, feature banks, configuration space, queues).
#pragma once

#include <drivers/virtio/split_virtqueue.h>
#include <drivers/virtio/virtio_transport.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace ingot::fake_virtio {

// What the device reads from one available chain.
struct Chain {
    uint16_t head = 0;
    std::vector<virtio::Descriptor> parts;  // in chain order

    uint32_t readable_bytes() const;
    uint32_t writable_bytes() const;
    // The bytes of the device-readable parts, concatenated.
    std::vector<uint8_t> read_all() const;
    // Writes bytes into the writable parts in order; returns how many fitted.
    uint32_t write(const std::vector<uint8_t>& bytes) const;
};

// A device's view of one split virtqueue (virtio 1.2 §2.7), over fake physical memory.
class RingDevice {
public:
    void attach(const virtio::QueueLayout& layout, bool event_index);
    bool attached() const { return layout_.size != 0; }

    // The next chain the driver made available, or nothing. A malformed chain (a `next` out
    // of range or a loop) fails the test and returns nothing.
    std::optional<Chain> pop_available();
    // Chains made available and not yet popped.
    uint16_t available_count() const;
    // Returns a chain with `written` bytes written, and publishes the used index.
    void push_used(uint32_t id, uint32_t written);
    // Moves the used index by `count` without writing elements.
    void advance_used_index(uint16_t count);

    uint16_t available_index() const;
    uint16_t available_flags() const;
    uint16_t used_event() const;
    uint16_t used_index() const { return used_index_; }
    void set_used_flags(uint16_t flags);
    void set_available_event(uint16_t value);
    // When set, pop_available() keeps avail_event at the next entry (as QEMU does).
    bool track_available_event = true;

private:
    uint16_t* available_word(size_t i) const;
    uint16_t* used_word(size_t i) const;

    virtio::QueueLayout layout_{};
    bool event_index_ = false;
    uint16_t last_available_ = 0;
    uint16_t used_index_ = 0;
};

// A virtio device reached through the transport interface. Public fields script it.
class FakeTransport : public virtio::VirtioTransport {
public:
    explicit FakeTransport(uint32_t type, uint16_t queue_count = 2, uint16_t max_queue = 256);

    uint32_t device_type() const override { return type; }
    uint64_t device_features() override { return offered_features; }
    void set_driver_features(uint64_t features) override { driver_features = features; }
    uint8_t status() override { return status_value; }
    void set_status(uint8_t status) override;
    uint16_t max_queue_size(uint16_t index) override;
    Result<void> enable_queue(uint16_t index, const virtio::QueueLayout& layout) override;
    void notify_queue(uint16_t index) override;
    void read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) override;
    uint32_t config_generation() override;
    uint32_t acknowledge_interrupt() override;

    uint32_t type;
    uint64_t offered_features = 0;
    uint64_t driver_features = 0;
    bool refuse_features = false;   // FEATURES_OK does not stick
    uint8_t status_value = 0;
    std::vector<uint8_t> status_writes;
    std::vector<uint16_t> max_sizes;
    std::vector<RingDevice> rings;
    std::vector<int> notifications;
    int notifications_before_driver_ok = 0;
    std::vector<uint8_t> config = std::vector<uint8_t>(64, 0);
    uint32_t generation = 0;
    int generation_changes_left = 0;  // bump the counter during that many config reads
    int config_reads = 0;
    uint32_t interrupt_status = 0;
    int interrupt_acks = 0;
};

}  // namespace ingot::fake_virtio
