// Small ext4 images made by the host's mke2fs, for tests that check on-disk formats against
// e2fsprogs: the journal inode's block map (from debugfs), and ways to run e2fsck/debugfs.
#pragma once

#include <lib/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ingot::test {

struct CommandResult {
    int exit_code;
    std::string output;  // stdout and stderr
};

// Runs a shell command line, capturing its output.
CommandResult run_command(const std::string& command);

class Ext4TestImage {
public:
    // Makes an 8 MiB ext4 image with 1 KiB blocks and a 1 MiB journal at path; mke2fs_features
    // goes to -O (e.g. "^metadata_csum,^64bit"). False (with a test failure) when mke2fs fails.
    bool create(const std::string& path, const std::string& mke2fs_features);

    const std::string& path() const { return path_; }
    uint32_t block_size() const { return block_size_; }
    uint64_t journal_blocks() const { return journal_blocks_; }
    const uint8_t* uuid() const { return uuid_; }
    std::vector<uint8_t> load() const;
    // The disk block holding journal block logical, from the journal inode's extents.
    Result<uint64_t> map_journal_block(uint64_t logical) const;
    // count free blocks at or after goal (debugfs ffb).
    std::vector<uint64_t> free_blocks(unsigned count, uint64_t goal) const;

private:
    struct Extent {
        uint64_t logical;
        uint64_t physical;
        uint64_t length;
    };
    std::string path_;
    uint32_t block_size_ = 0;
    uint64_t journal_blocks_ = 0;
    uint8_t uuid_[16] = {};
    std::vector<Extent> extents_;
};

// Sets EXT3_FEATURE_INCOMPAT_RECOVER in the ext4 superblock of image, so e2fsck replays the
// journal (ext4 sets it while mounted; the superblock checksum is updated with metadata_csum).
void set_needs_recovery(std::vector<uint8_t>& image);

}  // namespace ingot::test
