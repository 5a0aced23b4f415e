// The ext2/ext3/ext4 on-disk layout (Linux Documentation/filesystems/ext4/, fs/ext4/ext4.h),
// as typed little-endian structures. Ingot's targets are little-endian, so fields are read
// in place; every structure's size is checked against the specification.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::ext2 {

inline constexpr uint16_t kMagic = 0xEF53;
inline constexpr uint64_t kSuperblockOffset = 1024;
inline constexpr uint32_t kRootInode = 2;
inline constexpr uint32_t kGoodOldFirstInode = 11;
inline constexpr uint16_t kGoodOldInodeSize = 128;
inline constexpr uint32_t kLinkMax = 65000;  // EXT4_LINK_MAX

// s_state
inline constexpr uint16_t kStateValid = 0x0001;
inline constexpr uint16_t kStateErrors = 0x0002;

// s_feature_compat
inline constexpr uint32_t kCompatHasJournal = 0x0004;
inline constexpr uint32_t kCompatSparseSuper2 = 0x0200;
// s_feature_incompat
inline constexpr uint32_t kIncompatCompression = 0x0001;
inline constexpr uint32_t kIncompatFiletype = 0x0002;
inline constexpr uint32_t kIncompatRecover = 0x0004;
inline constexpr uint32_t kIncompatJournalDev = 0x0008;
inline constexpr uint32_t kIncompatMetaBg = 0x0010;
inline constexpr uint32_t kIncompatExtents = 0x0040;
inline constexpr uint32_t kIncompat64Bit = 0x0080;
inline constexpr uint32_t kIncompatMmp = 0x0100;
inline constexpr uint32_t kIncompatFlexBg = 0x0200;
inline constexpr uint32_t kIncompatEaInode = 0x0400;
inline constexpr uint32_t kIncompatDirData = 0x1000;
inline constexpr uint32_t kIncompatCsumSeed = 0x2000;
inline constexpr uint32_t kIncompatLargeDir = 0x4000;
inline constexpr uint32_t kIncompatInlineData = 0x8000;
inline constexpr uint32_t kIncompatEncrypt = 0x10000;
inline constexpr uint32_t kIncompatCasefold = 0x20000;
// s_feature_ro_compat
inline constexpr uint32_t kRoCompatSparseSuper = 0x0001;
inline constexpr uint32_t kRoCompatLargeFile = 0x0002;
inline constexpr uint32_t kRoCompatBtreeDir = 0x0004;
inline constexpr uint32_t kRoCompatHugeFile = 0x0008;
inline constexpr uint32_t kRoCompatGdtCsum = 0x0010;
inline constexpr uint32_t kRoCompatDirNlink = 0x0020;
inline constexpr uint32_t kRoCompatExtraIsize = 0x0040;
inline constexpr uint32_t kRoCompatMetadataCsum = 0x0400;

// s_checksum_type: the only algorithm metadata_csum defines.
inline constexpr uint8_t kChecksumTypeCrc32c = 1;

// bg_flags, honoured only with group descriptor checksums (gdt_csum or metadata_csum).
inline constexpr uint16_t kBgInodeUninit = 0x0001;  // the inode bitmap is not initialised: all free
inline constexpr uint16_t kBgBlockUninit = 0x0002;  // the block bitmap is not initialised: only metadata used
inline constexpr uint16_t kBgInodeZeroed = 0x0004;  // the inode table is zeroed

// i_flags
inline constexpr uint32_t kIndexFlag = 0x00001000;
inline constexpr uint32_t kHugeFileFlag = 0x00040000;
inline constexpr uint32_t kExtentsFlag = 0x00080000;
inline constexpr uint32_t kInlineDataFlag = 0x10000000;

// Directory entry file types (EXT2_FT_*).
inline constexpr uint8_t kFtUnknown = 0, kFtRegular = 1, kFtDirectory = 2, kFtCharDev = 3, kFtBlockDev = 4,
                         kFtFifo = 5, kFtSocket = 6, kFtSymlink = 7;

struct Superblock {
    uint32_t inodes_count;
    uint32_t blocks_count_lo;
    uint32_t r_blocks_count_lo;
    uint32_t free_blocks_count_lo;
    uint32_t free_inodes_count;
    uint32_t first_data_block;
    uint32_t log_block_size;
    uint32_t log_cluster_size;
    uint32_t blocks_per_group;
    uint32_t clusters_per_group;
    uint32_t inodes_per_group;
    uint32_t mtime;
    uint32_t wtime;
    uint16_t mnt_count;
    int16_t max_mnt_count;
    uint16_t magic;
    uint16_t state;
    uint16_t errors;
    uint16_t minor_rev_level;
    uint32_t lastcheck;
    uint32_t checkinterval;
    uint32_t creator_os;
    uint32_t rev_level;
    uint16_t def_resuid;
    uint16_t def_resgid;
    uint32_t first_ino;
    uint16_t inode_size;
    uint16_t block_group_nr;
    uint32_t feature_compat;
    uint32_t feature_incompat;
    uint32_t feature_ro_compat;
    uint8_t uuid[16];
    char volume_name[16];
    char last_mounted[64];
    uint32_t algorithm_usage_bitmap;
    uint8_t prealloc_blocks;
    uint8_t prealloc_dir_blocks;
    uint16_t reserved_gdt_blocks;
    uint8_t journal_uuid[16];
    uint32_t journal_inum;
    uint32_t journal_dev;
    uint32_t last_orphan;
    uint32_t hash_seed[4];
    uint8_t def_hash_version;
    uint8_t jnl_backup_type;
    uint16_t desc_size;
    uint32_t default_mount_opts;
    uint32_t first_meta_bg;
    uint32_t mkfs_time;
    uint32_t jnl_blocks[17];
    uint32_t blocks_count_hi;
    uint32_t r_blocks_count_hi;
    uint32_t free_blocks_count_hi;
    uint16_t min_extra_isize;
    uint16_t want_extra_isize;
    uint32_t flags;
    uint16_t raid_stride;
    uint16_t mmp_interval;
    uint64_t mmp_block;
    uint32_t raid_stripe_width;
    uint8_t log_groups_per_flex;
    uint8_t checksum_type;
    uint16_t reserved_pad;
    uint64_t kbytes_written;
    uint8_t snapshot_and_errors[0x24C - 0x180];
    uint32_t backup_bgs[2];  // sparse_super2: the groups with backup superblocks
    uint8_t encryption_and_quota[0x270 - 0x254];
    uint32_t checksum_seed;  // metadata_csum_seed: crc32c(~0, the UUID the file system was made with)
    uint8_t rest[0x3FC - 0x274];
    uint32_t checksum;  // metadata_csum: crc32c(~0, the 1020 bytes before it)
};
static_assert(sizeof(Superblock) == 1024);
static_assert(offsetof(Superblock, feature_compat) == 0x5C);
static_assert(offsetof(Superblock, last_orphan) == 0xE8);
static_assert(offsetof(Superblock, blocks_count_hi) == 0x150);
static_assert(offsetof(Superblock, kbytes_written) == 0x178);
static_assert(offsetof(Superblock, backup_bgs) == 0x24C);
static_assert(offsetof(Superblock, checksum_seed) == 0x270);
static_assert(offsetof(Superblock, checksum) == 0x3FC);

// A group descriptor: the first 32 bytes without 64bit, all 64 with it (s_desc_size).
struct GroupDesc {
    uint32_t block_bitmap_lo;
    uint32_t inode_bitmap_lo;
    uint32_t inode_table_lo;
    uint16_t free_blocks_count_lo;
    uint16_t free_inodes_count_lo;
    uint16_t used_dirs_count_lo;
    uint16_t flags;
    uint32_t exclude_bitmap_lo;
    uint16_t block_bitmap_csum_lo;
    uint16_t inode_bitmap_csum_lo;
    uint16_t itable_unused_lo;
    uint16_t checksum;
    uint32_t block_bitmap_hi;
    uint32_t inode_bitmap_hi;
    uint32_t inode_table_hi;
    uint16_t free_blocks_count_hi;
    uint16_t free_inodes_count_hi;
    uint16_t used_dirs_count_hi;
    uint16_t itable_unused_hi;
    uint32_t exclude_bitmap_hi;
    uint16_t block_bitmap_csum_hi;
    uint16_t inode_bitmap_csum_hi;
    uint32_t reserved;
};
static_assert(sizeof(GroupDesc) == 64);
static_assert(offsetof(GroupDesc, checksum) == 0x1E);
inline constexpr uint16_t kGroupDescSize32 = 32;

inline constexpr size_t kInodeBlockWords = 15;  // i_block[EXT4_N_BLOCKS]
inline constexpr size_t kDirectBlocks = 12;

struct DiskInode {
    uint16_t mode;
    uint16_t uid;
    uint32_t size_lo;
    uint32_t atime;
    uint32_t ctime;
    uint32_t mtime;
    uint32_t dtime;
    uint16_t gid;
    uint16_t links_count;
    uint32_t blocks_lo;
    uint32_t flags;
    uint32_t osd1;
    uint32_t block[kInodeBlockWords];
    uint32_t generation;
    uint32_t file_acl_lo;
    uint32_t size_high;
    uint32_t obso_faddr;
    uint16_t blocks_high;
    uint16_t file_acl_high;
    uint16_t uid_high;
    uint16_t gid_high;
    uint16_t checksum_lo;
    uint16_t reserved;
    // Present when the on-disk inode is larger than 128 bytes and i_extra_isize covers them.
    uint16_t extra_isize;
    uint16_t checksum_hi;
    uint32_t ctime_extra;
    uint32_t mtime_extra;
    uint32_t atime_extra;
    uint32_t crtime;
    uint32_t crtime_extra;
    uint32_t version_hi;
    uint32_t projid;
};
static_assert(sizeof(DiskInode) == 160);
static_assert(offsetof(DiskInode, block) == 0x28);
static_assert(offsetof(DiskInode, extra_isize) == 0x80);
static_assert(offsetof(DiskInode, checksum_lo) == 0x7C && offsetof(DiskInode, checksum_hi) == 0x82);
// The extra fields Ingot maintains (through i_crtime_extra), as i_extra_isize counts them.
inline constexpr uint16_t kExtraIsize = 32;

inline constexpr uint16_t kExtentMagic = 0xF30A;
inline constexpr uint16_t kExtentMaxDepth = 5;
inline constexpr uint16_t kExtentInitMaxLen = 32768;  // longer ee_len: an unwritten extent

struct ExtentHeader {
    uint16_t magic;
    uint16_t entries;
    uint16_t max;
    uint16_t depth;
    uint32_t generation;
};
struct Extent {
    uint32_t block;  // first logical block
    uint16_t len;
    uint16_t start_hi;
    uint32_t start_lo;
};
struct ExtentIndex {
    uint32_t block;  // first logical block covered
    uint32_t leaf_lo;
    uint16_t leaf_hi;
    uint16_t unused;
};
static_assert(sizeof(ExtentHeader) == 12 && sizeof(Extent) == 12 && sizeof(ExtentIndex) == 12);
// metadata_csum: an extent tree block holds its crc32c right after eh_max entries
// (struct ext4_extent_tail), which a block's entry count always leaves room for.
inline constexpr uint32_t kExtentTailSize = 4;

struct DirEntryHeader {
    uint32_t inode;
    uint16_t rec_len;
    uint8_t name_len;
    uint8_t file_type;
};
static_assert(sizeof(DirEntryHeader) == 8);
inline constexpr uint32_t kDirNameMax = 255;

// metadata_csum: every linear directory block ends in a fake entry holding the block's crc32c
// (struct ext4_dir_entry_tail): inode 0, rec_len 12, name_len 0, file type 0xDE.
struct DirEntryTail {
    DirEntryHeader header;
    uint32_t checksum;
};
static_assert(sizeof(DirEntryTail) == 12);
inline constexpr uint8_t kDirTailFileType = 0xDE;

// The space a directory entry with a name of name_len bytes needs (EXT2_DIR_REC_LEN).
constexpr uint32_t dir_rec_len(uint32_t name_len) { return (8 + name_len + 3) & ~3u; }

}  // namespace ingot::ext2
