// Hostile journals: superblocks and log blocks a damaged or malicious disk could hold give an
// error (before anything is written where that is possible), never a crash or a hang.
#include "journal_test_support.h"

#include <random>

namespace ingot::test {
namespace {

using namespace ext2::jbd2;

class JournalHostile : public CommittedJournalTest {
protected:
    // Opens the journal after edit changed its (resealed) superblock in a copy of base_.
    Result<ext2::Journal*> open_edited(const std::function<void(uint8_t* sb)>& edit, bool reseal = true) {
        std::vector<uint8_t> image = base_;
        edit(journal_block_in(image, 0));
        if (reseal) reseal_superblock(image);
        device_ = std::make_unique<ImageBlockDevice>(image);
        auto opened = try_open(*device_);
        if (opened.ok()) delete opened.value();
        return opened;
    }
    std::unique_ptr<ImageBlockDevice> device_;
};

TEST_P(JournalHostile, BadSuperblocksAreRefused) {
    uint32_t maxlen = static_cast<uint32_t>(image_.journal_blocks());
    const std::pair<const char*, std::function<void(uint8_t*)>> edits[] = {
        {"magic", [](uint8_t* sb) { store_be32(sb, 0x12345678); }},
        {"block type", [](uint8_t* sb) { store_be32(sb + kHeaderBlocktype, kDescriptorBlock); }},
        {"block size", [](uint8_t* sb) { store_be32(sb + kSbBlocksize, 4096); }},
        {"maxlen past the inode", [&](uint8_t* sb) { store_be32(sb + kSbMaxlen, maxlen + 1); }},
        {"huge maxlen", [](uint8_t* sb) { store_be32(sb + kSbMaxlen, 0xFFFFFFFF); }},
        {"tiny maxlen", [](uint8_t* sb) { store_be32(sb + kSbMaxlen, 1); }},
        {"first zero", [](uint8_t* sb) { store_be32(sb + kSbFirst, 0); }},
        {"first at maxlen", [&](uint8_t* sb) { store_be32(sb + kSbFirst, maxlen); }},
        {"start past maxlen", [&](uint8_t* sb) { store_be32(sb + kSbStart, maxlen + 5); }},
        {"start inside the superblock", [](uint8_t* sb) { store_be32(sb + kSbFirst, 4), store_be32(sb + kSbStart, 2); }},
        {"unknown incompat", [](uint8_t* sb) { store_be32(sb + kSbFeatureIncompat, load_be32(sb + kSbFeatureIncompat) | 0x400); }},
        {"fast commit", [](uint8_t* sb) { store_be32(sb + kSbFeatureIncompat, load_be32(sb + kSbFeatureIncompat) | kIncompatFastCommit); }},
        {"ro compat", [](uint8_t* sb) { store_be32(sb + kSbFeatureRoCompat, 1); }},
        {"csum v2 and v3", [](uint8_t* sb) {
             store_be32(sb + kSbFeatureIncompat, load_be32(sb + kSbFeatureIncompat) | kIncompatCsumV2 | kIncompatCsumV3);
             sb[kSbChecksumType] = kChecksumTypeCrc32c;
         }},
    };
    for (const auto& [what, edit] : edits) EXPECT_EQ(open_edited(edit).error(), Errno{EINVAL}) << what;
    if (checksummed()) {
        auto unsealed = open_edited([](uint8_t* sb) { sb[kSbUuid] ^= 1; }, /*reseal=*/false);
        EXPECT_EQ(unsealed.error(), Errno{EINVAL}) << "superblock checksum";
        auto type = open_edited([](uint8_t* sb) { sb[kSbChecksumType] = 9; });
        EXPECT_EQ(type.error(), Errno{EINVAL}) << "checksum type";
    }
}

TEST_P(JournalHostile, BadGeometryAndMapsAreRefused) {
    ImageBlockDevice device(base_);
    auto map = [this](uint64_t logical) { return image_.map_journal_block(logical); };
    EXPECT_EQ(ext2::Journal::open(device, 1000, image_.journal_blocks(), image_.uuid(), map).error(), Errno{EINVAL});
    EXPECT_EQ(ext2::Journal::open(device, 2048, image_.journal_blocks(), image_.uuid(), map).error(), Errno{EINVAL});
    EXPECT_EQ(ext2::Journal::open(device, bs_, 0, image_.uuid(), map).error(), Errno{EINVAL});
    EXPECT_EQ(ext2::Journal::open(device, bs_, image_.journal_blocks() - 1, image_.uuid(), map).error(), Errno{EINVAL});
    uint64_t disk_blocks = base_.size() / bs_;
    auto past_end = [&](uint64_t logical) -> Result<uint64_t> {
        return logical == 700 ? Result<uint64_t>(disk_blocks) : image_.map_journal_block(logical);
    };
    EXPECT_EQ(ext2::Journal::open(device, bs_, image_.journal_blocks(), image_.uuid(), past_end).error(), Errno{EINVAL});
    auto hole = [&](uint64_t logical) -> Result<uint64_t> { return logical == 5 ? Result<uint64_t>(0) : image_.map_journal_block(logical); };
    EXPECT_EQ(ext2::Journal::open(device, bs_, image_.journal_blocks(), image_.uuid(), hole).error(), Errno{EINVAL});
    auto failing = [](uint64_t) -> Result<uint64_t> { return Errno{EIO}; };
    EXPECT_EQ(ext2::Journal::open(device, bs_, image_.journal_blocks(), image_.uuid(), failing).error(), Errno{EIO});
}

TEST_P(JournalHostile, ATagPointingPastTheDiskStopsRecoveryBeforeAnyWrite) {
    std::vector<uint8_t> crashed = crash_after_commit(3);
    uint64_t descriptor = first_log_block(crashed);
    size_t second_tag = kHeaderSize + (checksummed() ? 16 : (GetParam().journal_incompat & kIncompat64Bit) ? 12 : 8) + kTagUuidSize;
    store_be32(journal_block_in(crashed, descriptor) + second_tag, 0xFFFFFF00);
    reseal_block_tail(crashed, descriptor);
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().error(), Errno{EINVAL});
    expect_homes(device.image(), {false, false, false});
    EXPECT_EQ(journal->commit({}).ok(), true);  // an empty commit writes nothing
    std::vector<uint8_t> block = pattern_block(bs_, 5);
    ext2::JournalBlock one{homes_[0], block.data()};
    EXPECT_EQ(journal->commit(std::span(&one, 1)).error(), Errno{EINVAL});  // still needs recovery
}

TEST_P(JournalHostile, AnOverlongRevokeBlockStopsRecoveryBeforeAnyWrite) {
    std::vector<uint8_t> crashed = crash_after_commit(2);
    uint64_t next = first_log_block(crashed) + log_blocks_;
    append_revoke_transaction(crashed, next, sequence_ + 1, {});
    store_be32(journal_block_in(crashed, next) + kRevokeCount, 0xFFFFFFF0);
    reseal_block_tail(crashed, next);
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().error(), Errno{EINVAL});
    expect_homes(device.image(), {false, false});
}

TEST_P(JournalHostile, ALogThatRunsInACircleIsRefused) {
    std::vector<uint8_t> image = base_;
    uint8_t* sb = journal_block_in(image, 0);
    uint32_t first = load_be32(sb + kSbFirst), maxlen = load_be32(sb + kSbMaxlen), sequence = 77;
    store_be32(sb + kSbStart, first);
    store_be32(sb + kSbSequence, sequence);
    reseal_superblock(image);
    // Every log block is an empty revoke block of the same transaction, which never commits.
    for (uint32_t at = first; at < maxlen; ++at) {
        uint8_t* block = journal_block_in(image, at);
        std::memset(block, 0, bs_);
        store_header(block, kRevokeBlock, sequence);
        store_be32(block + kRevokeCount, kRevokeHeaderSize);
        reseal_block_tail(image, at);
    }
    ImageBlockDevice device(image);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().error(), Errno{EINVAL});
}

TEST_P(JournalHostile, RandomDescriptorAndRevokeBlocksNeverCrash) {
    std::vector<uint8_t> crashed = crash_after_commit(3);
    uint64_t descriptor = first_log_block(crashed);
    uint64_t next = descriptor + log_blocks_;
    append_revoke_transaction(crashed, next, sequence_ + 1, {homes_[0]});
    std::mt19937 random(1234);
    for (int round = 0; round < 200; ++round) {
        std::vector<uint8_t> image = crashed;
        uint64_t target = round % 2 ? descriptor : next;
        uint8_t* block = journal_block_in(image, target);
        // Keep the header, so the block is taken as part of the log, and scramble the rest.
        for (uint32_t i = kHeaderSize; i < bs_; ++i) block[i] = static_cast<uint8_t>(random());
        if (round % 4 < 2) reseal_block_tail(image, target);
        ImageBlockDevice device(image);
        auto journal = open(device);
        ASSERT_NE(journal, nullptr);
        auto recovered = journal->recover();
        if (!recovered.ok()) {
            Errno error = recovered.error();
            EXPECT_TRUE(error == Errno{EINVAL} || error == Errno{EIO}) << static_cast<int>(error);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, JournalHostile, testing::ValuesIn(kJournalLayouts), layout_name);

}  // namespace
}  // namespace ingot::test
