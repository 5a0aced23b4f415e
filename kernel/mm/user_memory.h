// The one checked path between the kernel and the program's memory (DESIGN rule 12).
// Every syscall that touches a user pointer goes through these; a bad pointer becomes EFAULT,
// never a kernel fault. In the kernel they are implemented in arch/x86_64 (with fault fixups);
// host unit tests link a fake over a simulated address space (tests/unit/fakes).
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>

namespace ingot {

// User addresses live in the lower canonical half; everything at or above this is the kernel's.
inline constexpr uint64_t kUserSpaceEnd = 0x0000'8000'0000'0000ull;

// True when [addr, addr+len) lies wholly in user space (no wrap-around).
constexpr bool is_user_range(uint64_t addr, uint64_t len) {
    return addr < kUserSpaceEnd && len <= kUserSpaceEnd - addr;
}

Result<void> copy_from_user(void* dst, uint64_t user_src, size_t len);
Result<void> copy_to_user(uint64_t user_dst, const void* src, size_t len);
Result<void> clear_user(uint64_t user_dst, size_t len);

// Copies a NUL-terminated string of at most capacity-1 bytes into dst (always terminated).
// Returns its length; ENAMETOOLONG if it does not fit, EFAULT on a bad pointer.
Result<size_t> copy_string_from_user(char* dst, size_t capacity, uint64_t user_src);

// Atomically replaces the aligned 32-bit word at user_addr with `desired` if it holds
// `expected` (lock cmpxchg: program threads on other CPUs may change it meanwhile). Returns
// the value it held; the swap happened when that equals `expected`. EFAULT on a bad pointer.
Result<uint32_t> compare_exchange_user(uint64_t user_addr, uint32_t expected, uint32_t desired);

template <typename T>
Result<T> read_user(uint64_t user_src) {
    T value;
    TRY(copy_from_user(&value, user_src, sizeof(T)));
    return value;
}

template <typename T>
Result<void> write_user(uint64_t user_dst, const T& value) {
    return copy_to_user(user_dst, &value, sizeof(T));
}

}  // namespace ingot
