// Split virtqueue, driver side (virtio 1.2 §2.7). Ring indices are free-running 16-bit
// counters; the slot is the index modulo the queue size, which is a power of two, so the
// arithmetic stays right across the wrap from 65535 to 0 (§2.7.6, §2.7.8).
#include <drivers/virtio/split_virtqueue.h>
#include <drivers/virtio/virtio_barriers.h>
#include <lib/align.h>
#include <mm/physical_memory.h>

namespace ingot::virtio {
namespace {

// Word offsets inside the rings (§2.7.6, §2.7.8): flags, idx, then the ring entries; the
// event index word follows the last entry (§2.7.7, §2.7.10).
constexpr size_t kFlagsWord = 0, kIndexWord = 1, kFirstEntryWord = 2;

uint16_t load(const uint16_t* word) { return __atomic_load_n(word, __ATOMIC_RELAXED); }
void store(uint16_t* word, uint16_t value) { __atomic_store_n(word, value, __ATOMIC_RELAXED); }

}  // namespace

SplitVirtqueue::~SplitVirtqueue() { free_dma_pages(pages_); }

Result<void> SplitVirtqueue::init(uint16_t size, bool event_index) {
    if (size_ != 0 || size == 0 || (size & (size - 1)) != 0) return Errno::EINVAL;
    // Alignment (§2.7, table "Virtqueue Part Alignment"): descriptors 16, available ring 2,
    // used ring 4. The used ring gets its own page so the device's writes do not share cache
    // lines with the driver's.
    uint64_t used_offset = align_up(descriptor_table_bytes(size) + available_ring_bytes(size), kPageSize);
    uint64_t total = align_up(used_offset + used_ring_bytes(size), kPageSize);
    pages_ = TRY(allocate_dma_pages(total / kPageSize));
    auto* base = static_cast<uint8_t*>(pages_.virt);
    descriptors_ = reinterpret_cast<Descriptor*>(base);
    available_ = base + descriptor_table_bytes(size);
    used_ = base + used_offset;
    chains_.assign(size, ChainInfo{});
    next_free_.resize(size);
    for (uint16_t i = 0; i < size; ++i) next_free_[i] = static_cast<uint16_t>(i + 1 == size ? 0 : i + 1);
    size_ = size;
    event_index_ = event_index;
    free_head_ = 0;
    free_count_ = size;
    return {};
}

QueueLayout SplitVirtqueue::layout() const {
    return {size_, pages_.phys, pages_.phys + (available_ - static_cast<uint8_t*>(pages_.virt)),
            pages_.phys + (used_ - static_cast<uint8_t*>(pages_.virt))};
}

Result<void> SplitVirtqueue::add_buffer(std::span<const DeviceBuffer> readable,
                                        std::span<const DeviceBuffer> writable, void* token) {
    if (broken_) return Errno::EIO;
    size_t count = readable.size() + writable.size();
    if (count == 0 || count > size_) return Errno::EINVAL;
    // §2.7.5.2: a chain is never longer than 2^32 bytes; the used length is 32 bits.
    uint64_t total = 0, writable_total = 0;
    for (const DeviceBuffer& part : readable) {
        if (part.length == 0) return Errno::EINVAL;
        total += part.length;
    }
    for (const DeviceBuffer& part : writable) {
        if (part.length == 0) return Errno::EINVAL;
        writable_total += part.length;
    }
    if (total + writable_total > 0xFFFF'FFFFull) return Errno::EINVAL;
    if (count > free_count_) return Errno::ENOSPC;

    // §2.7.13.1: fill a descriptor per part, linked by `next`, device-writable ones last.
    uint16_t head = free_head_, current = free_head_;
    for (size_t i = 0; i < count; ++i) {
        bool is_writable = i >= readable.size();
        const DeviceBuffer& part = is_writable ? writable[i - readable.size()] : readable[i];
        bool last = i + 1 == count;
        Descriptor& d = descriptors_[current];
        d.address = part.phys;
        d.length = part.length;
        d.flags = static_cast<uint16_t>((is_writable ? kDescriptorWrite : 0) | (last ? 0 : kDescriptorNext));
        d.next = last ? 0 : next_free_[current];
        if (!last) current = next_free_[current];
    }
    free_head_ = next_free_[current];
    free_count_ = static_cast<uint16_t>(free_count_ - count);
    chains_[head] = ChainInfo{token, static_cast<uint32_t>(writable_total), static_cast<uint16_t>(count)};
    ++in_flight_;

    // §2.7.13.2 and §2.7.13.3: the head goes in the next ring slot, then (after a barrier that
    // orders every write above before it) the index that hands it to the device.
    store(available_word(kFirstEntryWord + mask(next_available_)), head);
    next_available_ = static_cast<uint16_t>(next_available_ + 1);
    publish_barrier();
    __atomic_store_n(available_word(kIndexWord), next_available_, __ATOMIC_RELEASE);
    return {};
}

bool SplitVirtqueue::needs_notification() {
    uint16_t old = available_at_notify_, now = next_available_;
    available_at_notify_ = now;
    if (old == now) return false;
    // §2.7.13.4.1: the idx store above must be visible before the device's suppression state
    // is read, or a device going idle could miss our buffers.
    full_barrier();
    if (event_index_) return need_event(load(used_word(kFirstEntryWord + 4 * size_)), now, old);
    return (load(used_word(kFlagsWord)) & kUsedNoNotify) == 0;
}

bool SplitVirtqueue::has_used() const {
    return __atomic_load_n(used_word(kIndexWord), __ATOMIC_ACQUIRE) != last_used_;
}

std::optional<UsedBuffer> SplitVirtqueue::take_used() {
    if (broken_) return std::nullopt;
    uint16_t device_index = __atomic_load_n(used_word(kIndexWord), __ATOMIC_ACQUIRE);
    if (device_index == last_used_) return std::nullopt;
    // The device cannot have used more chains than the ring holds.
    if (static_cast<uint16_t>(device_index - last_used_) > size_) {
        broken_ = true;
        return std::nullopt;
    }
    consume_barrier();  // §2.7.14: the element is read only after the index that covers it
    // Each element is two 32-bit words (id, len) after the 4-byte ring header.
    auto* element = reinterpret_cast<uint32_t*>(used_word(kFirstEntryWord)) + 2 * mask(last_used_);
    uint32_t id = __atomic_load_n(element, __ATOMIC_RELAXED);
    uint32_t length = __atomic_load_n(element + 1, __ATOMIC_RELAXED);
    if (id >= size_ || chains_[id].descriptor_count == 0) {
        broken_ = true;
        return std::nullopt;
    }
    last_used_ = static_cast<uint16_t>(last_used_ + 1);
    ChainInfo chain = chains_[id];
    release_chain(static_cast<uint16_t>(id));
    // With event indexes, ask for an interrupt at the next used entry (§2.7.7). The request
    // must be visible before used->idx is read again: otherwise the device could add an entry,
    // read the old used_event and stay silent while the driver, having seen nothing new, halts.
    if (event_index_ && interrupts_enabled_) {
        set_used_event(last_used_);
        full_barrier();
    }
    // §2.7.8.2: the driver must not trust len beyond what it offered.
    uint32_t written = length < chain.writable_bytes ? length : chain.writable_bytes;
    return UsedBuffer{chain.token, written};
}

void SplitVirtqueue::release_chain(uint16_t head) {
    ChainInfo& chain = chains_[head];
    uint16_t tail = head;
    for (uint16_t i = 1; i < chain.descriptor_count; ++i) tail = next_free_[tail];
    next_free_[tail] = free_head_;
    free_head_ = head;
    free_count_ = static_cast<uint16_t>(free_count_ + chain.descriptor_count);
    chain = ChainInfo{};
    --in_flight_;
}

void SplitVirtqueue::set_used_event(uint16_t value) { store(available_word(kFirstEntryWord + size_), value); }

bool SplitVirtqueue::enable_interrupts() {
    interrupts_enabled_ = true;
    // §2.7.7.2: with VIRTIO_F_EVENT_IDX the flags stay 0 and used_event does the asking.
    if (event_index_) set_used_event(last_used_);
    else store(available_word(kFlagsWord), 0);
    full_barrier();  // the request must be visible before used->idx is checked again
    return has_used();
}

void SplitVirtqueue::disable_interrupts() {
    interrupts_enabled_ = false;
    // With event indexes, an event just behind what was consumed is not reached again until
    // the index wraps; an occasional interrupt is harmless.
    if (event_index_) set_used_event(static_cast<uint16_t>(last_used_ - 1));
    else store(available_word(kFlagsWord), kAvailNoInterrupt);
}

}  // namespace ingot::virtio
