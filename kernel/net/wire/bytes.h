// Big-endian (network byte order, RFC 1700 "Data Notations") loads and stores on byte spans.
// Callers check bounds first: the wire views do so once in their parse() constructors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

// The 16-bit big-endian value at bytes[offset], bytes[offset + 1].
inline uint16_t read_be16(std::span<const uint8_t> bytes, size_t offset) {
    return static_cast<uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

// The 32-bit big-endian value at bytes[offset .. offset + 3].
inline uint32_t read_be32(std::span<const uint8_t> bytes, size_t offset) {
    return (uint32_t{bytes[offset]} << 24) | (uint32_t{bytes[offset + 1]} << 16) |
           (uint32_t{bytes[offset + 2]} << 8) | uint32_t{bytes[offset + 3]};
}

// Stores value big-endian at bytes[offset], bytes[offset + 1].
inline void write_be16(std::span<uint8_t> bytes, size_t offset, uint16_t value) {
    bytes[offset] = static_cast<uint8_t>(value >> 8);
    bytes[offset + 1] = static_cast<uint8_t>(value);
}

// Stores value big-endian at bytes[offset .. offset + 3].
inline void write_be32(std::span<uint8_t> bytes, size_t offset, uint32_t value) {
    bytes[offset] = static_cast<uint8_t>(value >> 24);
    bytes[offset + 1] = static_cast<uint8_t>(value >> 16);
    bytes[offset + 2] = static_cast<uint8_t>(value >> 8);
    bytes[offset + 3] = static_cast<uint8_t>(value);
}

}  // namespace ingot::net
