#include <net/tcp/byte_ring.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace ingot::net {

ByteRing::~ByteRing() { clear(); }

bool ByteRing::ensure_storage() {
    if (storage_) return true;
    if (capacity_ == 0) return false;
    // A peer's and a program's traffic decide how many rings exist, so running out of memory
    // must be a full buffer, never a kernel panic: the non-throwing allocation.
    storage_ = static_cast<uint8_t*>(::operator new(capacity_, std::nothrow_t{}));
    return storage_ != nullptr;
}

void ByteRing::set_capacity(size_t capacity) {
    clear();
    capacity_ = capacity;
}

void ByteRing::write_at(size_t offset, std::span<const uint8_t> src) {
    size_t done = 0;
    while (done < src.size()) {
        std::span<uint8_t> run = writable_at(offset + done, src.size() - done);
        std::memcpy(run.data(), src.data() + done, run.size());
        done += run.size();
    }
}

void ByteRing::read_at(size_t offset, std::span<uint8_t> dst) const {
    size_t done = 0;
    while (done < dst.size()) {
        std::span<const uint8_t> run = contiguous_at(offset + done, dst.size() - done);
        std::memcpy(dst.data() + done, run.data(), run.size());
        done += run.size();
    }
}

std::span<const uint8_t> ByteRing::contiguous_at(size_t offset, size_t max_length) const {
    if (!storage_ || offset >= capacity_) return {};
    size_t start = physical(offset);
    size_t length = std::min({max_length, capacity_ - start, capacity_ - offset});
    return {storage_ + start, length};
}

std::span<uint8_t> ByteRing::writable_at(size_t offset, size_t max_length) {
    if (!storage_ || offset >= capacity_) return {};
    size_t start = physical(offset);
    size_t length = std::min({max_length, capacity_ - start, capacity_ - offset});
    return {storage_ + start, length};
}

void ByteRing::consume(size_t count) {
    count = std::min(count, size_);
    size_ -= count;
    head_ = physical(count);
}

void ByteRing::clear() {
    ::operator delete(storage_);
    storage_ = nullptr;
    head_ = 0;
    size_ = 0;
}

}  // namespace ingot::net
