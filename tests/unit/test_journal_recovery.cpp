// Recovery of transactions this journal committed but a crash kept from their homes: replay,
// revoke records, escaped blocks, torn transactions and checksum failures.
#include "journal_test_support.h"

namespace ingot::test {
namespace {

using ext2::JournalBlock;
using namespace ext2::jbd2;

class JournalRecovery : public CommittedJournalTest {};

TEST_P(JournalRecovery, ReplaysACommittedTransactionAndEmptiesTheJournal) {
    std::vector<uint8_t> crashed = crash_after_commit(4, /*escape_first=*/true);
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_TRUE(journal->needs_recovery());
    auto recovered = journal->recover();
    ASSERT_TRUE(recovered.ok());
    EXPECT_EQ(recovered.value(), 1u);
    EXPECT_FALSE(journal->needs_recovery());
    expect_homes(device.image(), {true, true, true, true});
    EXPECT_EQ(load_be32(device.image().data() + homes_[0] * bs_), kMagic);  // unescaped
    // The emptied journal survives a remount, and the next transaction gets a new number.
    auto reopened = open(device);
    ASSERT_NE(reopened, nullptr);
    EXPECT_FALSE(reopened->needs_recovery());
    EXPECT_TRUE(sequence_after(reopened->next_sequence(), sequence_));
    EXPECT_EQ(reopened->recover().value(), 0u);
    ASSERT_TRUE(device.save(path_));
    CommandResult fsck = run_command("e2fsck -fn " + path_);
    EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

TEST_P(JournalRecovery, ReplaysATransactionSpanningSeveralDescriptorBlocks) {
    std::vector<uint8_t> crashed = crash_after_commit(300);
    EXPECT_GT(log_blocks_, 300u + 2);  // at least two descriptors and the commit block
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().value(), 1u);
    expect_homes(device.image(), std::vector<bool>(300, true));
}

TEST_P(JournalRecovery, ReplaysATransactionThatWrapsPastTheEndOfTheLog) {
    std::vector<uint8_t> crashed = crash_after_commit(4);
    uint8_t* sb = journal_block_in(crashed, 0);
    uint32_t first = load_be32(sb + kSbFirst), maxlen = load_be32(sb + kSbMaxlen);
    // Move the log so it starts two blocks before the end: descriptor and first copy at the
    // end, the rest (and the commit block) from s_first on, as jbd2's circular log does.
    std::vector<std::vector<uint8_t>> log;
    for (uint64_t i = 0; i < log_blocks_; ++i) {
        uint8_t* block = journal_block_in(crashed, first + i);
        log.emplace_back(block, block + bs_);
        std::memset(block, 0, bs_);
    }
    uint32_t start = maxlen - 2;
    for (uint64_t i = 0; i < log_blocks_; ++i) {
        uint64_t at = start + i < maxlen ? start + i : first + (start + i - maxlen);
        std::memcpy(journal_block_in(crashed, at), log[i].data(), bs_);
    }
    store_be32(sb + kSbStart, start);
    reseal_superblock(crashed);
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().value(), 1u);
    expect_homes(device.image(), {true, true, true, true});
}

TEST_P(JournalRecovery, ATornTransactionIsNotReplayed) {
    std::vector<uint8_t> crashed = crash_after_commit(3);
    // Lose the commit block: as if the power failed before it reached the disk.
    std::memset(journal_block_in(crashed, first_log_block(crashed) + log_blocks_ - 1), 0, bs_);
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_TRUE(journal->needs_recovery());
    EXPECT_EQ(journal->recover().value(), 0u);
    EXPECT_FALSE(journal->needs_recovery());
    expect_homes(device.image(), {false, false, false});
    // The next commit works and lands.
    JournalBlock block{homes_[0], data_[0].data()};
    ASSERT_TRUE(journal->commit(std::span(&block, 1)).ok());
    expect_homes(device.image(), {true, false, false});
}

TEST_P(JournalRecovery, RevokeRecordsCancelEarlierCopies) {
    std::vector<uint8_t> crashed = crash_after_commit(3);
    uint64_t next = first_log_block(crashed) + log_blocks_;
    append_revoke_transaction(crashed, next, sequence_ + 1, {homes_[1]});
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().value(), 2u);
    expect_homes(device.image(), {true, false, true});
}

TEST_P(JournalRecovery, ARevokeInAnUncommittedTransactionIsIgnored) {
    std::vector<uint8_t> crashed = crash_after_commit(3);
    uint64_t next = first_log_block(crashed) + log_blocks_;
    append_revoke_transaction(crashed, next, sequence_ + 1, {homes_[0], homes_[2]});
    std::memset(journal_block_in(crashed, next + 1), 0, bs_);  // its commit block never landed
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().value(), 1u);
    expect_homes(device.image(), {true, true, true});
}

TEST_P(JournalRecovery, ACommitBlockWithABadChecksumEndsTheReplay) {
    std::vector<uint8_t> crashed = crash_after_commit(2);
    uint64_t next = first_log_block(crashed) + log_blocks_;
    append_revoke_transaction(crashed, next, sequence_ + 1, {homes_[0]});
    uint8_t* commit = journal_block_in(crashed, next + 1);
    if (checksummed()) commit[kCommitChecksum] ^= 1;
    else store_be32(commit + kHeaderBlocktype, 9);  // without checksums: an unknown block type
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().value(), 1u);
    expect_homes(device.image(), {true, true});  // the revoke never counted
}

TEST_P(JournalRecovery, ACorruptLoggedCopyFailsItsTagChecksum) {
    if (!checksummed()) GTEST_SKIP() << "only CSUM_V2/V3 journals checksum their copies";
    std::vector<uint8_t> crashed = crash_after_commit(3);
    journal_block_in(crashed, first_log_block(crashed) + 2)[100] ^= 0xFF;  // copy of block 1
    ImageBlockDevice device(crashed);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().error(), Errno{EIO});
    expect_homes(device.image(), {true, false, true});
    EXPECT_TRUE(journal->needs_recovery());  // left for e2fsck, as jbd2 does
}

TEST_P(JournalRecovery, ARecoveryOnAReadOnlyDiskIsRefused) {
    std::vector<uint8_t> crashed = crash_after_commit(1);
    ImageBlockDevice device(crashed, /*read_only=*/true);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    EXPECT_EQ(journal->recover().error(), Errno{EROFS});
}

INSTANTIATE_TEST_SUITE_P(Layouts, JournalRecovery, testing::ValuesIn(kJournalLayouts), layout_name);

}  // namespace
}  // namespace ingot::test
