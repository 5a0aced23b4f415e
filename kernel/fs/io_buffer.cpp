#include <fs/io_buffer.h>
#include <mm/user_memory.h>

#include <cstring>

namespace ingot {

IoBuffer IoBuffer::user(uint64_t address, size_t length) {
    IoBuffer buffer;
    buffer.user_address_ = address;
    buffer.length_ = length;
    buffer.is_user_ = true;
    return buffer;
}

IoBuffer IoBuffer::kernel(std::span<uint8_t> bytes) {
    IoBuffer buffer;
    buffer.kernel_bytes_ = bytes.data();
    buffer.kernel_source_ = bytes.data();
    buffer.length_ = bytes.size();
    return buffer;
}

IoBuffer IoBuffer::kernel_source(std::span<const uint8_t> bytes) {
    IoBuffer buffer;
    buffer.kernel_source_ = bytes.data();
    buffer.length_ = bytes.size();
    return buffer;
}

Result<void> IoBuffer::copy_to_buffer(size_t offset, const void* src, size_t count) {
    if (!in_bounds(offset, count)) return Errno::EFAULT;
    if (count == 0) return {};
    if (is_user_) return copy_to_user(user_address_ + offset, src, count);
    if (!kernel_bytes_) return Errno::EFAULT;  // a write source is never a read destination
    memcpy(kernel_bytes_ + offset, src, count);
    return {};
}

Result<void> IoBuffer::zero_fill(size_t offset, size_t count) {
    if (!in_bounds(offset, count)) return Errno::EFAULT;
    if (count == 0) return {};
    if (is_user_) return clear_user(user_address_ + offset, count);
    if (!kernel_bytes_) return Errno::EFAULT;
    memset(kernel_bytes_ + offset, 0, count);
    return {};
}

Result<void> IoBuffer::copy_from_buffer(size_t offset, void* dst, size_t count) const {
    if (!in_bounds(offset, count)) return Errno::EFAULT;
    if (count == 0) return {};
    if (is_user_) return copy_from_user(dst, user_address_ + offset, count);
    memcpy(dst, kernel_source_ + offset, count);
    return {};
}

}  // namespace ingot
