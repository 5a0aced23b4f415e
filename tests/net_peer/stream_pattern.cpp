#include "stream_pattern.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace ingot::net_peer {

StreamPattern::StreamPattern() : block_(kPatternPeriod) {
    // xorshift32 (Marsaglia 2003, shifts 13, 17, 5), four little-endian bytes per step.
    uint32_t x = 0x1badb002;
    for (size_t i = 0; i < block_.size(); i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        for (size_t b = 0; b < 4 && i + b < block_.size(); ++b) block_[i + b] = static_cast<uint8_t>(x >> (8 * b));
    }
}

void StreamPattern::fill(uint64_t offset, std::span<uint8_t> out) const {
    size_t done = 0;
    while (done < out.size()) {
        size_t at = static_cast<size_t>((offset + done) % kPatternPeriod);
        size_t n = std::min(out.size() - done, kPatternPeriod - at);
        std::memcpy(out.data() + done, block_.data() + at, n);
        done += n;
    }
}

bool StreamPattern::matches(uint64_t offset, std::span<const uint8_t> bytes, uint64_t& mismatch) const {
    size_t done = 0;
    while (done < bytes.size()) {
        size_t at = static_cast<size_t>((offset + done) % kPatternPeriod);
        size_t n = std::min(bytes.size() - done, kPatternPeriod - at);
        if (std::memcmp(bytes.data() + done, block_.data() + at, n) != 0) {
            size_t i = 0;
            while (bytes[done + i] == block_[at + i]) ++i;
            mismatch = offset + done + i;
            return false;
        }
        done += n;
    }
    return true;
}

namespace {

std::array<uint32_t, 256> make_crc_table() {
    // The reflected polynomial 0xEDB88320 of IEEE 802.3.
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

const std::array<uint32_t, 256> crc_table = make_crc_table();

}  // namespace

void Crc32::update(std::span<const uint8_t> bytes) {
    uint32_t c = state_;
    for (uint8_t byte : bytes) c = crc_table[(c ^ byte) & 0xff] ^ (c >> 8);
    state_ = c;
}

}  // namespace ingot::net_peer
