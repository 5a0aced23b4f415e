// The checksums a jbd2 journal carries. CSUM_V2/V3 use crc32c seeded with crc32c(~0, s_uuid)
// and never inverted (Linux's jbd2_chksum is the raw update step); COMPAT_CHECKSUM, the v1
// scheme, keeps one big-endian crc32 (crc32_be, polynomial 0x04C11DB7) of every descriptor and
// journal copy in a transaction.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::ext2::jbd2 {

// Continues a most-significant-bit-first CRC-32 (Linux's crc32_be, no inversion) over len bytes.
uint32_t crc32_be(uint32_t crc, const uint8_t* data, size_t len);

// crc32c of size bytes at block from seed, with the 4-byte field at field_offset read as zero:
// how jbd2 checksums a block that holds its own checksum (superblock, block tails, commit
// blocks) and an escaped block copy (its first four bytes stored as zero).
uint32_t crc32c_with_zeroed_field(uint32_t seed, const uint8_t* block, size_t size, size_t field_offset);

// The checksum seed of a CSUM_V2/V3 journal: crc32c over the journal superblock's s_uuid.
uint32_t checksum_seed(const uint8_t uuid[16]);

// The crc32c of a journal copy as its tag records it: the transaction sequence (big-endian),
// then the block as stored in the journal (escaped blocks with their first word zero).
uint32_t tag_checksum(uint32_t seed, uint32_t sequence, const uint8_t* block, size_t size, bool escaped);

}  // namespace ingot::ext2::jbd2
