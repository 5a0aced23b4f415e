// The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
// the data taken as big-endian 16-bit words, plus the IPv4 pseudo-header used by UDP (RFC 768)
// and TCP (RFC 9293 §3.1), and incremental update (RFC 1624).
//
// Conventions: a "sum" is the folded, NOT complemented 16-bit ones' complement sum; a
// "checksum" is its complement, the value stored big-endian in a header field. Both are host
// integers (0x1234 is stored as bytes 12 34).
#pragma once

#include <net/net_types.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

// Accumulates a ones' complement sum over several pieces (pseudo-header, header, payload) that
// need not be contiguous; pieces of odd length are handled (RFC 1071 §2(B): a piece that starts
// at an odd offset contributes its byte-swapped sum).
class ChecksumAccumulator {
public:
    // Adds bytes that continue the data after everything added so far.
    void add(std::span<const uint8_t> bytes);
    // Adds a big-endian 16-bit word (a field value); the data so far must have even length.
    void add_u16(uint16_t value) { sum_ += value; }
    // Adds a big-endian 32-bit value as two words; the data so far must have even length.
    void add_u32(uint32_t value) { sum_ += (value >> 16) + (value & 0xffff); }
    // Adds a previously computed folded sum (for example a pseudo-header sum).
    void add_sum(uint16_t folded_sum) { sum_ += folded_sum; }
    // The folded 16-bit sum, not complemented.
    uint16_t sum() const;
    // The checksum to store: the complement of sum().
    uint16_t checksum() const { return static_cast<uint16_t>(~sum()); }

private:
    uint64_t sum_ = 0;
    bool odd_ = false;  // the data so far has odd length
};

// Folded ones' complement sum of data (a trailing odd byte is padded with a zero byte).
uint16_t ones_complement_sum(std::span<const uint8_t> data);

// The checksum of data: the value to store in a checksum field that was zero while summing.
uint16_t internet_checksum(std::span<const uint8_t> data);

// Whether data, checksum field included, sums to 0xffff (RFC 1071 §1 step (3)).
bool internet_checksum_valid(std::span<const uint8_t> data);

// Folded sum of the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768): source, destination, a zero
// byte, the protocol number and the transport length (header plus payload) in bytes.
uint16_t ipv4_pseudo_header_sum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                uint16_t transport_length);

// The checksum of a complete transport segment (its checksum field zero) with the pseudo-header.
// UDP callers must transmit 0xffff in place of a computed 0 (RFC 768).
uint16_t ipv4_transport_checksum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                 std::span<const uint8_t> segment);

// Whether a received transport segment's checksum (field included) verifies with the
// pseudo-header.
bool ipv4_transport_checksum_valid(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                   std::span<const uint8_t> segment);

// Incrementally updates checksum after one 16-bit word of the covered data changed from
// old_word to new_word (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
uint16_t checksum_update(uint16_t checksum, uint16_t old_word, uint16_t new_word);

// As checksum_update for a 32-bit field (an address, a sequence number).
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

}  // namespace ingot::net
