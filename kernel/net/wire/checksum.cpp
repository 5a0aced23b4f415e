#include <net/wire/checksum.h>

#include <cstring>

namespace ingot::net {

namespace {

// Folds a wide ones' complement accumulator to 16 bits (end-around carry, RFC 1071 §4.1).
uint16_t fold(uint64_t sum) {
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

uint16_t swap16(uint16_t v) { return static_cast<uint16_t>((v << 8) | (v >> 8)); }

// Folded sum of data as big-endian words. The ones' complement sum is byte-order independent
// (RFC 1071 §2(B)): sum native 32-bit loads into a 64-bit accumulator, which cannot overflow
// for any buffer below 2^32 words, and swap the folded result once on little-endian hosts.
uint16_t sum_big_endian_words(std::span<const uint8_t> data) {
    uint64_t sum = 0;
    const uint8_t* p = data.data();
    size_t n = data.size();
    while (n >= 32) {
        uint32_t w[8];
        std::memcpy(w, p, sizeof(w));
        sum += uint64_t{w[0]} + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
        p += 32;
        n -= 32;
    }
    while (n >= 4) {
        uint32_t w;
        std::memcpy(&w, p, 4);
        sum += w;
        p += 4;
        n -= 4;
    }
    uint8_t tail[4] = {0, 0, 0, 0};  // the odd byte is the high byte of a zero-padded word
    if (n != 0) std::memcpy(tail, p, n);  // p may be null for an empty span
    uint32_t w;
    std::memcpy(&w, tail, 4);
    sum += w;
    uint16_t folded = fold(sum);
    if constexpr (std::endian::native == std::endian::little) folded = swap16(folded);
    return folded;
}

}  // namespace

void ChecksumAccumulator::add(std::span<const uint8_t> bytes) {
    uint16_t piece = sum_big_endian_words(bytes);
    // A piece starting at an odd offset has every byte in the other half of its word.
    sum_ += odd_ ? swap16(piece) : piece;
    if (bytes.size() & 1) odd_ = !odd_;
}

uint16_t ChecksumAccumulator::sum() const { return fold(sum_); }

uint16_t ones_complement_sum(std::span<const uint8_t> data) { return sum_big_endian_words(data); }

uint16_t internet_checksum(std::span<const uint8_t> data) {
    return static_cast<uint16_t>(~sum_big_endian_words(data));
}

bool internet_checksum_valid(std::span<const uint8_t> data) {
    // A correct checksum makes the total 0xffff; ones' complement has two zeros, and the fold
    // of a non-empty all-zero buffer is 0x0000, which is (correctly) not accepted.
    return sum_big_endian_words(data) == 0xffff;
}

uint16_t ipv4_pseudo_header_sum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                uint16_t transport_length) {
    ChecksumAccumulator acc;
    acc.add_u32(source.to_host());
    acc.add_u32(destination.to_host());
    acc.add_u16(protocol);
    acc.add_u16(transport_length);
    return acc.sum();
}

uint16_t ipv4_transport_checksum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                 std::span<const uint8_t> segment) {
    ChecksumAccumulator acc;
    acc.add_sum(ipv4_pseudo_header_sum(source, destination, protocol,
                                       static_cast<uint16_t>(segment.size())));
    acc.add(segment);
    return acc.checksum();
}

bool ipv4_transport_checksum_valid(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                   std::span<const uint8_t> segment) {
    ChecksumAccumulator acc;
    acc.add_sum(ipv4_pseudo_header_sum(source, destination, protocol,
                                       static_cast<uint16_t>(segment.size())));
    acc.add(segment);
    return acc.sum() == 0xffff;
}

uint16_t checksum_update(uint16_t checksum, uint16_t old_word, uint16_t new_word) {
    uint64_t sum = uint64_t{static_cast<uint16_t>(~checksum)} +
                   static_cast<uint16_t>(~old_word) + new_word;
    return static_cast<uint16_t>(~fold(sum));
}

uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
    checksum = checksum_update(checksum, static_cast<uint16_t>(old_value >> 16),
                               static_cast<uint16_t>(new_value >> 16));
    return checksum_update(checksum, static_cast<uint16_t>(old_value),
                           static_cast<uint16_t>(new_value));
}

}  // namespace ingot::net
