// Shared pieces of the journal tests: an ext4 image made by mke2fs in one of three journal
// layouts, loaded into an ImageBlockDevice, and the Journal opened on it.
#pragma once

#include <fs/ext2/journal.h>
#include <fs/ext2/journal_checksum.h>

#include "fakes/ext4_test_image.h"
#include "fakes/image_block_device.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace ingot::test {

struct JournalLayout {
    const char* name;
    const char* mke2fs_features;
    uint32_t journal_incompat;  // what ext4 would turn on at mount
};

inline const JournalLayout kJournalLayouts[] = {
    {"Tags32", "^metadata_csum,^64bit", 0},
    {"Tags64", "^metadata_csum,64bit", ext2::jbd2::kIncompat64Bit},
    {"CsumV3", "metadata_csum,64bit", ext2::jbd2::kIncompat64Bit | ext2::jbd2::kIncompatCsumV3},
};

inline std::string layout_name(const testing::TestParamInfo<JournalLayout>& info) { return info.param.name; }

// A block of size bytes whose contents depend on seed.
inline std::vector<uint8_t> pattern_block(uint32_t size, uint32_t seed) {
    std::vector<uint8_t> block(size);
    for (uint32_t i = 0; i < size; ++i) block[i] = static_cast<uint8_t>((i * 31 + seed * 17 + (i >> 8) * seed) ^ seed);
    return block;
}

inline std::vector<uint8_t> block_of(const std::vector<uint8_t>& image, uint64_t block, uint32_t size) {
    return std::vector<uint8_t>(image.begin() + block * size, image.begin() + (block + 1) * size);
}

class JournalTest : public testing::TestWithParam<JournalLayout> {
protected:
    void SetUp() override {
        if (run_command("command -v mke2fs && command -v debugfs && command -v e2fsck").exit_code != 0)
            GTEST_SKIP() << "e2fsprogs (mke2fs, debugfs, e2fsck) is not installed";
        std::string test = testing::UnitTest::GetInstance()->current_test_info()->name();
        for (char& c : test) if (c == '/') c = '_';
        path_ = testing::TempDir() + "journal-" + test + ".img";
        ASSERT_TRUE(image_.create(path_, GetParam().mke2fs_features));
        bs_ = image_.block_size();
        // Turn the journal features on once, as ext4's mount would, and keep that as the base.
        ImageBlockDevice device(image_.load());
        auto journal = open(device);
        ASSERT_NE(journal, nullptr);
        ASSERT_TRUE(journal->enable_features(GetParam().journal_incompat).ok());
        base_ = device.image();
    }
    void TearDown() override {
        if (!path_.empty()) std::remove(path_.c_str());
    }

    // Opens the journal on device; nullptr (with a failure) when open fails.
    std::unique_ptr<ext2::Journal> open(ImageBlockDevice& device) {
        auto opened = try_open(device);
        EXPECT_TRUE(opened.ok()) << "errno " << static_cast<int>(opened.error());
        return std::unique_ptr<ext2::Journal>(opened.ok() ? opened.value() : nullptr);
    }
    Result<ext2::Journal*> try_open(ImageBlockDevice& device) {
        return ext2::Journal::open(device, bs_, image_.journal_blocks(), image_.uuid(),
                                   [this](uint64_t logical) { return image_.map_journal_block(logical); });
    }
    // The journal superblock's disk block.
    uint64_t journal_superblock_block() const { return image_.map_journal_block(0).value(); }
    uint8_t* journal_block_in(std::vector<uint8_t>& image, uint64_t logical) const {
        return image.data() + image_.map_journal_block(logical).value() * bs_;
    }

    std::string path_;
    Ext4TestImage image_;
    uint32_t bs_ = 0;
    std::vector<uint8_t> base_;
};

// A journal whose last commit the power cut off right after its commit block was flushed:
// the transaction is durable in the log, none of its blocks is home yet.
class CommittedJournalTest : public JournalTest {
protected:
    // Commits `count` pattern blocks to free blocks from 6000 on, with the power failing right
    // after the commit block's flush; returns the disk as the crash left it.
    std::vector<uint8_t> crash_after_commit(size_t count, bool escape_first = false) {
        homes_ = image_.free_blocks(static_cast<unsigned>(count), 6000);
        data_.clear();
        for (size_t i = 0; i < count; ++i) data_.push_back(pattern_block(bs_, static_cast<uint32_t>(100 + i)));
        if (escape_first) ext2::jbd2::store_be32(data_[0].data(), ext2::jbd2::kMagic);
        std::vector<ext2::JournalBlock> blocks;
        for (size_t i = 0; i < count; ++i) blocks.push_back(ext2::JournalBlock{homes_[i], data_[i].data()});
        ImageBlockDevice device(base_);
        auto journal = open(device);
        if (!journal) return {};
        // Count the writes of a full commit on a scratch copy: everything before the home
        // writes is superblock + log (descriptors, copies, commit block).
        {
            ImageBlockDevice scratch(base_);
            auto probe = open(scratch);
            if (!probe || !probe->commit(blocks).ok()) {
                ADD_FAILURE() << "commit failed";
                return {};
            }
            log_blocks_ = scratch.writes() - 1 - count - 1;  // minus two superblocks and the homes
        }
        device.fail_after_writes(1 + log_blocks_);
        EXPECT_EQ(journal->commit(blocks).error(), Errno{EIO});
        sequence_ = journal->next_sequence() - 1;
        return device.after_power_loss([](size_t) { return false; });
    }
    uint32_t first_log_block(std::vector<uint8_t>& image) { return ext2::jbd2::load_be32(journal_block_in(image, 0) + ext2::jbd2::kSbFirst); }
    uint32_t seed(std::vector<uint8_t>& image) { return ext2::jbd2::checksum_seed(journal_block_in(image, 0) + ext2::jbd2::kSbUuid); }
    bool checksummed() const { return GetParam().journal_incompat & ext2::jbd2::kIncompatCsumV3; }

    // Writes a revoke block for `revoked` and then a commit block, both of transaction
    // sequence, at log blocks `at` and `at + 1`.
    void append_revoke_transaction(std::vector<uint8_t>& image, uint64_t at, uint32_t sequence,
                                   const std::vector<uint64_t>& revoked) {
        uint8_t* revoke = journal_block_in(image, at);
        std::memset(revoke, 0, bs_);
        ext2::jbd2::store_header(revoke, ext2::jbd2::kRevokeBlock, sequence);
        size_t record = (GetParam().journal_incompat & ext2::jbd2::kIncompat64Bit) ? 8 : 4;
        size_t offset = ext2::jbd2::kRevokeHeaderSize;
        for (uint64_t block : revoked) {
            if (record == 8) ext2::jbd2::store_be64(revoke + offset, block);
            else ext2::jbd2::store_be32(revoke + offset, static_cast<uint32_t>(block));
            offset += record;
        }
        ext2::jbd2::store_be32(revoke + ext2::jbd2::kRevokeCount, static_cast<uint32_t>(offset));
        if (checksummed()) ext2::jbd2::store_be32(revoke + bs_ - 4, ext2::jbd2::crc32c_with_zeroed_field(seed(image), revoke, bs_, bs_ - 4));
        write_commit(image, at + 1, sequence);
    }
    void write_commit(std::vector<uint8_t>& image, uint64_t at, uint32_t sequence) {
        uint8_t* commit = journal_block_in(image, at);
        std::memset(commit, 0, bs_);
        ext2::jbd2::store_header(commit, ext2::jbd2::kCommitBlock, sequence);
        ext2::jbd2::store_be64(commit + ext2::jbd2::kCommitSec, 2000000000);
        if (checksummed())
            ext2::jbd2::store_be32(commit + ext2::jbd2::kCommitChecksum, ext2::jbd2::crc32c_with_zeroed_field(seed(image), commit, bs_, ext2::jbd2::kCommitChecksum));
    }
    // Recomputes the checksum of a descriptor or revoke block a test edited (CSUM_V3 only).
    void reseal_block_tail(std::vector<uint8_t>& image, uint64_t at) {
        if (!checksummed()) return;
        uint8_t* block = journal_block_in(image, at);
        ext2::jbd2::store_be32(block + bs_ - 4, ext2::jbd2::crc32c_with_zeroed_field(seed(image), block, bs_, bs_ - 4));
    }
    // Recomputes the journal superblock's checksum after a test edited it (CSUM_V3 only).
    void reseal_superblock(std::vector<uint8_t>& image) {
        if (!checksummed()) return;
        uint8_t* sb = journal_block_in(image, 0);
        ext2::jbd2::store_be32(sb + ext2::jbd2::kSbChecksum,
                               ext2::jbd2::crc32c_with_zeroed_field(~0u, sb, ext2::jbd2::kSuperblockSize, ext2::jbd2::kSbChecksum));
    }
    void expect_homes(const std::vector<uint8_t>& image, const std::vector<bool>& replayed) {
        for (size_t i = 0; i < homes_.size(); ++i) {
            const std::vector<uint8_t>& expected = replayed[i] ? data_[i] : block_of(base_, homes_[i], bs_);
            EXPECT_EQ(block_of(image, homes_[i], bs_), expected) << "block " << i;
        }
    }

    std::vector<uint64_t> homes_;
    std::vector<std::vector<uint8_t>> data_;
    uint64_t log_blocks_ = 0;
    uint32_t sequence_ = 0;
};

}  // namespace ingot::test
