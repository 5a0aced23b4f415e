// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum ext4's metadata_csum and
// jbd2's csum v2/v3 use. ext4 seeds it with the file system UUID and does not invert the
// result, so this is the raw update step: crc32c_update(~0u, data) followed by ~ gives the
// standard CRC-32C, and chaining updates checksums data split into pieces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot {

// Continues a CRC-32C over len bytes at data from crc (no pre- or post-inversion).
uint32_t crc32c_update(uint32_t crc, const void* data, size_t len);

// The standard CRC-32C of len bytes ("123456789" gives 0xE3069283).
inline uint32_t crc32c(const void* data, size_t len) { return ~crc32c_update(~0u, data, len); }

}  // namespace ingot
