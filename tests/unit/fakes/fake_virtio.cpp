#include "fakes/fake_virtio.h"

#include <drivers/virtio/virtio_spec.h>
#include <mm/physical_memory.h>

#include <gtest/gtest.h>

#include <cerrno>

#include <cstring>

namespace ingot::fake_virtio {

using virtio::Descriptor;
using virtio::kDescriptorNext;
using virtio::kDescriptorWrite;

uint32_t Chain::readable_bytes() const {
    uint32_t total = 0;
    for (const Descriptor& d : parts)
        if (!(d.flags & kDescriptorWrite)) total += d.length;
    return total;
}

uint32_t Chain::writable_bytes() const {
    uint32_t total = 0;
    for (const Descriptor& d : parts)
        if (d.flags & kDescriptorWrite) total += d.length;
    return total;
}

std::vector<uint8_t> Chain::read_all() const {
    std::vector<uint8_t> bytes;
    for (const Descriptor& d : parts) {
        if (d.flags & kDescriptorWrite) continue;
        auto* p = static_cast<const uint8_t*>(phys_to_virt(d.address));
        bytes.insert(bytes.end(), p, p + d.length);
    }
    return bytes;
}

uint32_t Chain::write(const std::vector<uint8_t>& bytes) const {
    uint32_t done = 0;
    for (const Descriptor& d : parts) {
        if (!(d.flags & kDescriptorWrite) || done == bytes.size()) continue;
        uint32_t n = std::min<uint32_t>(d.length, static_cast<uint32_t>(bytes.size() - done));
        memcpy(phys_to_virt(d.address), bytes.data() + done, n);
        done += n;
    }
    return done;
}

void RingDevice::attach(const virtio::QueueLayout& layout, bool event_index) {
    layout_ = layout;
    event_index_ = event_index;
    last_available_ = 0;
    used_index_ = 0;
}

uint16_t* RingDevice::available_word(size_t i) const {
    return static_cast<uint16_t*>(phys_to_virt(layout_.available_ring)) + i;
}

uint16_t* RingDevice::used_word(size_t i) const {
    return static_cast<uint16_t*>(phys_to_virt(layout_.used_ring)) + i;
}

uint16_t RingDevice::available_index() const { return __atomic_load_n(available_word(1), __ATOMIC_ACQUIRE); }
uint16_t RingDevice::available_flags() const { return *available_word(0); }
uint16_t RingDevice::used_event() const { return *available_word(2 + layout_.size); }
void RingDevice::set_used_flags(uint16_t flags) { *used_word(0) = flags; }
void RingDevice::set_available_event(uint16_t value) { *used_word(2 + 4 * size_t{layout_.size}) = value; }

uint16_t RingDevice::available_count() const { return static_cast<uint16_t>(available_index() - last_available_); }

std::optional<Chain> RingDevice::pop_available() {
    if (available_index() == last_available_) return std::nullopt;
    Chain chain;
    chain.head = *available_word(2 + (last_available_ % layout_.size));
    last_available_ = static_cast<uint16_t>(last_available_ + 1);
    if (event_index_ && track_available_event) set_available_event(last_available_);
    auto* table = static_cast<const Descriptor*>(phys_to_virt(layout_.descriptor_table));
    uint16_t index = chain.head;
    // §2.7.5.1: a chain is at most the queue size long and every `next` is in range.
    for (size_t steps = 0;; ++steps) {
        if (index >= layout_.size || steps >= layout_.size) {
            ADD_FAILURE() << "malformed descriptor chain from head " << chain.head;
            return std::nullopt;
        }
        chain.parts.push_back(table[index]);
        if (!(table[index].flags & kDescriptorNext)) break;
        index = table[index].next;
    }
    // §2.7.4: device-writable descriptors come after every device-readable one.
    bool seen_writable = false;
    for (const Descriptor& d : chain.parts) {
        if (d.flags & kDescriptorWrite) seen_writable = true;
        else if (seen_writable) ADD_FAILURE() << "readable descriptor after a writable one";
    }
    return chain;
}

void RingDevice::push_used(uint32_t id, uint32_t written) {
    auto* element = reinterpret_cast<uint32_t*>(used_word(2)) + 2 * (used_index_ % layout_.size);
    element[0] = id;
    element[1] = written;
    used_index_ = static_cast<uint16_t>(used_index_ + 1);
    __atomic_store_n(used_word(1), used_index_, __ATOMIC_RELEASE);
}

void RingDevice::advance_used_index(uint16_t count) {
    used_index_ = static_cast<uint16_t>(used_index_ + count);
    __atomic_store_n(used_word(1), used_index_, __ATOMIC_RELEASE);
}

FakeTransport::FakeTransport(uint32_t type_, uint16_t queue_count, uint16_t max_queue)
    : type(type_), max_sizes(queue_count, max_queue), rings(queue_count), notifications(queue_count, 0) {}

void FakeTransport::set_status(uint8_t status) {
    status_writes.push_back(status);
    if (status == 0) {
        // §2.4: a reset forgets the queues and the negotiated features.
        for (RingDevice& ring : rings) ring = RingDevice{};
        driver_features = 0;
    }
    if (refuse_features) status &= static_cast<uint8_t>(~virtio::status::kFeaturesOk);
    status_value = status;
}

uint16_t FakeTransport::max_queue_size(uint16_t index) { return index < max_sizes.size() ? max_sizes[index] : 0; }

Result<void> FakeTransport::enable_queue(uint16_t index, const virtio::QueueLayout& layout) {
    if (index >= rings.size() || layout.size > max_sizes[index]) return Errno{EINVAL};
    rings[index].attach(layout, (driver_features & virtio::feature::kEventIndex) != 0);
    return {};
}

void FakeTransport::notify_queue(uint16_t index) {
    if (index < notifications.size()) ++notifications[index];
    if (!(status_value & virtio::status::kDriverOk)) ++notifications_before_driver_ok;
}

void FakeTransport::read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) {
    ++config_reads;
    if (generation_changes_left > 0) {
        --generation_changes_left;
        ++generation;
    }
    for (uint32_t i = 0; i < length; ++i) out[i] = offset + i < config.size() ? config[offset + i] : 0;
}

uint32_t FakeTransport::config_generation() { return generation; }

uint32_t FakeTransport::acknowledge_interrupt() {
    ++interrupt_acks;
    uint32_t bits = interrupt_status;
    interrupt_status = 0;
    return bits;
}

}  // namespace ingot::fake_virtio
