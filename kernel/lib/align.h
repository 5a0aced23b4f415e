// Power-of-two alignment arithmetic on addresses and sizes. The checked variant reports
// wrap-around instead of silently producing a small number, because user-supplied lengths
// near 2^64 must become an error, not a tiny mapping.
#pragma once

#include <cstdint>
#include <optional>

namespace ingot {

// True when alignment is a non-zero power of two.
constexpr bool is_power_of_two(uint64_t alignment) {
    return alignment != 0 && (alignment & (alignment - 1)) == 0;
}

// Rounds value down to a multiple of alignment (a power of two).
constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
    return value & ~(alignment - 1);
}

// Rounds value up to a multiple of alignment (a power of two); wraps to 0 near 2^64, so use
// checked_align_up for values that come from outside.
constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

// Rounds value up to a multiple of alignment, or nullopt when the result does not fit in
// 64 bits.
constexpr std::optional<uint64_t> checked_align_up(uint64_t value, uint64_t alignment) {
    uint64_t rounded = align_down(value, alignment);
    if (rounded == value) return value;
    if (rounded > UINT64_MAX - alignment) return std::nullopt;
    return rounded + alignment;
}

// True when value is a multiple of alignment (a power of two).
constexpr bool is_aligned(uint64_t value, uint64_t alignment) {
    return (value & (alignment - 1)) == 0;
}

}  // namespace ingot
