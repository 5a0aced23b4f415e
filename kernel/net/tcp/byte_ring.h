// A fixed-capacity byte ring: the storage under TCP's send and receive buffers. Offsets are
// relative to the oldest byte (the head); bytes past size() may be written (out-of-order data
// waiting for a hole to fill) and later committed. Storage is allocated on first use so that
// idle and half-open connections cost no buffer memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class ByteRing {
public:
    explicit ByteRing(size_t capacity) : capacity_(capacity) {}
    ~ByteRing();
    ByteRing(const ByteRing&) = delete;
    ByteRing& operator=(const ByteRing&) = delete;

    size_t capacity() const { return capacity_; }
    // Bytes between the head and the committed end.
    size_t size() const { return size_; }
    size_t free_space() const { return capacity_ - size_; }
    bool empty() const { return size_ == 0; }

    // Makes sure the storage exists; false when memory is short (callers then behave as if
    // the buffer were full).
    bool ensure_storage();
    // Changes the capacity; only while the ring is empty (setsockopt before data flows).
    void set_capacity(size_t capacity);

    // Copies src to offset (relative to the head); the caller guarantees offset + src.size()
    // <= capacity() and that the storage exists.
    void write_at(size_t offset, std::span<const uint8_t> src);
    // Copies dst.size() bytes from offset; the caller guarantees they lie within capacity().
    void read_at(size_t offset, std::span<uint8_t> dst) const;
    // The longest contiguous run of stored bytes starting at offset, at most max_length long.
    std::span<const uint8_t> contiguous_at(size_t offset, size_t max_length) const;
    // The longest contiguous writable run at offset (for copying straight from user memory).
    std::span<uint8_t> writable_at(size_t offset, size_t max_length);

    // Extends the committed region by count bytes already written past the end.
    void commit(size_t count) { size_ += count; }
    // Drops count bytes from the head.
    void consume(size_t count);
    // Forgets everything (and frees the storage).
    void clear();

private:
    size_t physical(size_t offset) const {
        size_t p = head_ + offset;
        return p >= capacity_ ? p - capacity_ : p;
    }

    uint8_t* storage_ = nullptr;
    size_t capacity_;
    size_t head_ = 0;
    size_t size_ = 0;
};

}  // namespace ingot::net
