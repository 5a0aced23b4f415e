#include "journal_checksum.h"

#include "journal_format.h"

#include <lib/crc32c.h>

namespace ingot::ext2::jbd2 {

uint32_t crc32_be(uint32_t crc, const uint8_t* data, size_t len) {
    // Bitwise: only v1 journals with COMPAT_CHECKSUM use it, and only while replaying or
    // committing, so a table would cost more than it saves.
    for (size_t i = 0; i < len; ++i) {
        crc ^= uint32_t{data[i]} << 24;
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    }
    return crc;
}

uint32_t crc32c_with_zeroed_field(uint32_t seed, const uint8_t* block, size_t size, size_t field_offset) {
    static constexpr uint8_t kZero[4] = {};
    uint32_t crc = crc32c_update(seed, block, field_offset);
    crc = crc32c_update(crc, kZero, sizeof kZero);
    return crc32c_update(crc, block + field_offset + 4, size - field_offset - 4);
}

uint32_t checksum_seed(const uint8_t uuid[16]) { return crc32c_update(~0u, uuid, 16); }

uint32_t tag_checksum(uint32_t seed, uint32_t sequence, const uint8_t* block, size_t size, bool escaped) {
    uint8_t sequence_be[4];
    store_be32(sequence_be, sequence);
    uint32_t crc = crc32c_update(seed, sequence_be, sizeof sequence_be);
    return escaped ? crc32c_with_zeroed_field(crc, block, size, 0) : crc32c_update(crc, block, size);
}

}  // namespace ingot::ext2::jbd2
