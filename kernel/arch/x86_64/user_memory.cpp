// Kernel side of mm/user_memory.h: range-check, then copy with fault fixups (user_copy.S).
#include <mm/user_memory.h>

#include <cstring>

extern "C" {
bool x86_user_access_smap = false;
size_t user_copy_raw(void* dst, const void* src, size_t len);
size_t user_clear_raw(void* dst, size_t len);
long user_strnlen_raw(const char* src, size_t max);
bool user_cmpxchg32_raw(uint32_t* addr, uint32_t expected, uint32_t desired, uint32_t* old);
}

namespace ingot {

Result<void> copy_from_user(void* dst, uint64_t user_src, size_t len) {
    if (!is_user_range(user_src, len)) return Errno::EFAULT;
    if (user_copy_raw(dst, reinterpret_cast<const void*>(user_src), len) != 0) return Errno::EFAULT;
    return {};
}

Result<void> copy_to_user(uint64_t user_dst, const void* src, size_t len) {
    if (!is_user_range(user_dst, len)) return Errno::EFAULT;
    if (user_copy_raw(reinterpret_cast<void*>(user_dst), src, len) != 0) return Errno::EFAULT;
    return {};
}

Result<uint32_t> compare_exchange_user(uint64_t user_addr, uint32_t expected, uint32_t desired) {
    if (!is_user_range(user_addr, sizeof(uint32_t)) || (user_addr & 3)) return Errno::EFAULT;
    uint32_t old = 0;
    if (!user_cmpxchg32_raw(reinterpret_cast<uint32_t*>(user_addr), expected, desired, &old)) return Errno::EFAULT;
    return old;
}

Result<void> clear_user(uint64_t user_dst, size_t len) {
    if (!is_user_range(user_dst, len)) return Errno::EFAULT;
    if (user_clear_raw(reinterpret_cast<void*>(user_dst), len) != 0) return Errno::EFAULT;
    return {};
}

Result<size_t> copy_string_from_user(char* dst, size_t capacity, uint64_t user_src) {
    if (capacity == 0) return Errno::ENAMETOOLONG;
    if (user_src >= kUserSpaceEnd) return Errno::EFAULT;
    size_t max = capacity;
    if (max > kUserSpaceEnd - user_src) max = kUserSpaceEnd - user_src;
    long len = user_strnlen_raw(reinterpret_cast<const char*>(user_src), max);
    if (len < 0) return Errno::EFAULT;
    if (static_cast<size_t>(len) >= capacity) return Errno::ENAMETOOLONG;
    if (static_cast<size_t>(len) == max) return Errno::EFAULT;  // ran into the end of user space
    TRY(copy_from_user(dst, user_src, len));
    dst[len] = '\0';
    return static_cast<size_t>(len);
}

}  // namespace ingot
