// The memory a read fills or a write drains: either the program's memory (a user range, reached
// only through mm/user_memory.h) or a kernel buffer (mmap filling pages, tests).
// File implementations copy straight between their storage and this buffer, so a read from the
// root file system copies archive bytes directly into the program's memory.
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot {

class IoBuffer {
public:
    // A user range [address, address + length); the caller has checked is_user_range.
    static IoBuffer user(uint64_t address, size_t length);
    // A kernel destination that reads may fill.
    static IoBuffer kernel(std::span<uint8_t> bytes);
    // A kernel source that writes may drain; copy_from_source is the only allowed direction.
    static IoBuffer kernel_source(std::span<const uint8_t> bytes);

    size_t size() const { return length_; }
    // The part of this buffer from offset on (clamped to size()), for a call that consumed a prefix.
    IoBuffer tail(size_t offset) const {
        IoBuffer rest = *this;
        if (offset > length_) offset = length_;
        rest.user_address_ += is_user_ ? offset : 0;
        if (rest.kernel_bytes_) rest.kernel_bytes_ += offset;
        if (rest.kernel_source_) rest.kernel_source_ += offset;
        rest.length_ -= offset;
        return rest;
    }
    // At most length bytes of this buffer from offset on.
    IoBuffer part(size_t offset, size_t length) const {
        IoBuffer piece = tail(offset);
        if (piece.length_ > length) piece.length_ = length;
        return piece;
    }

    // Copies count bytes from src into this buffer at offset (the direction of a read).
    Result<void> copy_to_buffer(size_t offset, const void* src, size_t count);
    // Writes count zero bytes into this buffer at offset (holes, /dev/zero).
    Result<void> zero_fill(size_t offset, size_t count);
    // Copies count bytes from this buffer at offset into dst (the direction of a write).
    Result<void> copy_from_buffer(size_t offset, void* dst, size_t count) const;

private:
    IoBuffer() = default;
    bool in_bounds(size_t offset, size_t count) const { return offset <= length_ && count <= length_ - offset; }

    uint64_t user_address_ = 0;
    uint8_t* kernel_bytes_ = nullptr;
    const uint8_t* kernel_source_ = nullptr;
    size_t length_ = 0;
    bool is_user_ = false;
};

}  // namespace ingot
