// The byte stream both ends of a transfer agree on, so the receiver can check every byte at
// its offset: a block of kPatternPeriod pseudo-random bytes (xorshift32 from a fixed seed),
// repeated. The period is a prime near 1 MB, so a segment stored at a wrong offset (off by
// any multiple of an MSS or of 64 KiB) cannot match by accident. linux_peer.py builds the
// same block.
//
// Also CRC-32 (IEEE 802.3, as zlib.crc32), which both ends print for the whole stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ingot::net_peer {

inline constexpr size_t kPatternPeriod = 1'000'003;

class StreamPattern {
public:
    StreamPattern();

    // Fills out with the stream's bytes starting at offset.
    void fill(uint64_t offset, std::span<uint8_t> out) const;
    // Whether bytes equal the stream from offset on; mismatch gets the first differing offset.
    bool matches(uint64_t offset, std::span<const uint8_t> bytes, uint64_t& mismatch) const;

private:
    std::vector<uint8_t> block_;  // one period
};

// Running CRC-32 over a stream.
class Crc32 {
public:
    void update(std::span<const uint8_t> bytes);
    uint32_t value() const { return ~state_; }

private:
    uint32_t state_ = ~0u;
};

}  // namespace ingot::net_peer
