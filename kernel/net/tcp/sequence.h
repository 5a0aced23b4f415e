// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial
// number arithmetic). a < b means "a comes before b" when the two are less than 2^31 apart,
// which TCP guarantees because windows are at most 2^30 bytes (RFC 7323 §2.3).
#pragma once

#include <cstdint>

namespace ingot::net {

class SeqNumber {
public:
    constexpr SeqNumber() = default;
    constexpr explicit SeqNumber(uint32_t value) : value_(value) {}

    constexpr uint32_t value() const { return value_; }

    // The sequence number count bytes later (wrapping past 2^32).
    constexpr SeqNumber operator+(uint32_t count) const { return SeqNumber(value_ + count); }
    // The sequence number count bytes earlier.
    constexpr SeqNumber operator-(uint32_t count) const { return SeqNumber(value_ - count); }
    constexpr SeqNumber& operator+=(uint32_t count) { value_ += count; return *this; }
    // Signed distance from other to this (positive when this comes after other).
    constexpr int32_t operator-(SeqNumber other) const { return static_cast<int32_t>(value_ - other.value_); }
    // Unsigned distance from other forward to this; the caller knows other <= this.
    constexpr uint32_t distance_from(SeqNumber other) const { return value_ - other.value_; }

    constexpr bool operator==(const SeqNumber&) const = default;
    constexpr bool operator<(SeqNumber other) const { return (*this - other) < 0; }
    constexpr bool operator<=(SeqNumber other) const { return (*this - other) <= 0; }
    constexpr bool operator>(SeqNumber other) const { return (*this - other) > 0; }
    constexpr bool operator>=(SeqNumber other) const { return (*this - other) >= 0; }

    // Whether this lies in [left, left + size): the window test of RFC 9293 §3.4.
    constexpr bool in_window(SeqNumber left, uint32_t size) const {
        return distance_from(left) < size;
    }

private:
    uint32_t value_ = 0;
};

constexpr SeqNumber seq_max(SeqNumber a, SeqNumber b) { return a < b ? b : a; }
constexpr SeqNumber seq_min(SeqNumber a, SeqNumber b) { return a < b ? a : b; }

}  // namespace ingot::net
