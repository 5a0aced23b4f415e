// The jbd2 on-disk format (the ext3/ext4 journal): every field big-endian, every block starts
// with a 12-byte header (magic, block type, transaction sequence). Layouts follow Linux's
// include/linux/jbd2.h and e2fsprogs' lib/ext2fs/kernel-jbd.h; offsets are given as constants
// because the code reads and writes byte buffers, never casts structures over them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::ext2::jbd2 {

inline constexpr uint32_t kMagic = 0xC03B3998;

// h_blocktype values.
inline constexpr uint32_t kDescriptorBlock = 1;
inline constexpr uint32_t kCommitBlock = 2;
inline constexpr uint32_t kSuperblockV1 = 3;
inline constexpr uint32_t kSuperblockV2 = 4;
inline constexpr uint32_t kRevokeBlock = 5;

// journal_header_t
inline constexpr size_t kHeaderMagic = 0;
inline constexpr size_t kHeaderBlocktype = 4;
inline constexpr size_t kHeaderSequence = 8;
inline constexpr size_t kHeaderSize = 12;

// journal_superblock_t (1024 bytes; its checksum covers all of them).
inline constexpr size_t kSbBlocksize = 0x0C;
inline constexpr size_t kSbMaxlen = 0x10;
inline constexpr size_t kSbFirst = 0x14;
inline constexpr size_t kSbSequence = 0x18;
inline constexpr size_t kSbStart = 0x1C;
inline constexpr size_t kSbErrno = 0x20;
inline constexpr size_t kSbFeatureCompat = 0x24;
inline constexpr size_t kSbFeatureIncompat = 0x28;
inline constexpr size_t kSbFeatureRoCompat = 0x2C;
inline constexpr size_t kSbUuid = 0x30;
inline constexpr size_t kSbChecksumType = 0x50;
inline constexpr size_t kSbNumFastCommitBlocks = 0x54;
inline constexpr size_t kSbChecksum = 0xFC;
inline constexpr size_t kSuperblockSize = 1024;

inline constexpr uint32_t kCompatChecksum = 0x1;      // v1 transaction checksums (crc32_be)
inline constexpr uint32_t kIncompatRevoke = 0x1;
inline constexpr uint32_t kIncompat64Bit = 0x2;
inline constexpr uint32_t kIncompatAsyncCommit = 0x4;
inline constexpr uint32_t kIncompatCsumV2 = 0x8;
inline constexpr uint32_t kIncompatCsumV3 = 0x10;
inline constexpr uint32_t kIncompatFastCommit = 0x20;
// Fast commits need the file system to replay its own records; this journal does not do that.
inline constexpr uint32_t kKnownIncompat =
    kIncompatRevoke | kIncompat64Bit | kIncompatAsyncCommit | kIncompatCsumV2 | kIncompatCsumV3;

inline constexpr uint8_t kChecksumTypeCrc32 = 1;   // commit_header h_chksum_type under COMPAT_CHECKSUM
inline constexpr uint8_t kChecksumTypeCrc32c = 4;  // s_checksum_type under CSUM_V2/V3
inline constexpr uint8_t kCrc32ChecksumSize = 4;

// Block tags in a descriptor block: journal_block_tag3_t (CSUM_V3) or journal_block_tag_t.
inline constexpr uint32_t kFlagEscape = 1;     // the block started with kMagic, stored as zero
inline constexpr uint32_t kFlagSameUuid = 2;   // no 16-byte UUID follows this tag
inline constexpr uint32_t kFlagDeleted = 4;
inline constexpr uint32_t kFlagLastTag = 8;
inline constexpr size_t kTagUuidSize = 16;
// Descriptor and revoke blocks end in a 4-byte crc32c under CSUM_V2/V3.
inline constexpr size_t kBlockTailSize = 4;

// commit_header
inline constexpr size_t kCommitChecksumType = 0x0C;
inline constexpr size_t kCommitChecksumSize = 0x0D;
inline constexpr size_t kCommitChecksum = 0x10;  // h_chksum[0]
inline constexpr size_t kCommitSec = 0x30;
inline constexpr size_t kCommitNsec = 0x38;

// jbd2_journal_revoke_header_t: header, then r_count (bytes used, header included).
inline constexpr size_t kRevokeCount = 0x0C;
inline constexpr size_t kRevokeHeaderSize = 16;

inline uint32_t load_be32(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint64_t load_be64(const uint8_t* p) { return uint64_t{load_be32(p)} << 32 | load_be32(p + 4); }
inline void store_be32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}
inline void store_be16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
    store_be32(p, static_cast<uint32_t>(v >> 32));
    store_be32(p + 4, static_cast<uint32_t>(v));
}

// Writes a block header.
inline void store_header(uint8_t* block, uint32_t blocktype, uint32_t sequence) {
    store_be32(block + kHeaderMagic, kMagic);
    store_be32(block + kHeaderBlocktype, blocktype);
    store_be32(block + kHeaderSequence, sequence);
}

// Transaction sequence comparison modulo 2^32 (jbd2's tid_gt).
inline bool sequence_after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

// The features a journal superblock declares, with the layout choices that follow from them.
// A v1 superblock has no feature fields: every feature reads as absent.
struct Features {
    uint32_t compat = 0;
    uint32_t incompat = 0;

    bool csum_v2or3() const { return incompat & (kIncompatCsumV2 | kIncompatCsumV3); }
    bool csum_v3() const { return incompat & kIncompatCsumV3; }
    bool is_64bit() const { return incompat & kIncompat64Bit; }
    bool async_commit() const { return incompat & kIncompatAsyncCommit; }
    // COMPAT_CHECKSUM's crc32 in the commit block only counts without CSUM_V2/V3 (jbd2 never
    // sets both; when a hostile superblock does, the stronger checksums win).
    bool crc32_commit() const { return (compat & kCompatChecksum) && !csum_v2or3(); }

    // Bytes per block tag (jbd2.h journal_tag_bytes): tag3 is 16; the older tag is 12 with
    // 64-bit block numbers, 8 without, and CSUM_V2 adds two more (jbd2 counts its 16-bit
    // checksum twice, and the format froze that way).
    size_t tag_bytes() const {
        if (csum_v3()) return 16;
        size_t size = 12;
        if (incompat & kIncompatCsumV2) size += 2;
        return is_64bit() ? size : size - 4;
    }
    // Bytes at the end of descriptor and revoke blocks reserved for their checksum.
    size_t tail_bytes() const { return csum_v2or3() ? kBlockTailSize : 0; }
    size_t revoke_record_bytes() const { return is_64bit() ? 8 : 4; }
};

}  // namespace ingot::ext2::jbd2
