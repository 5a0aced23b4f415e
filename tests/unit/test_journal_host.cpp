// The journal against the host's e2fsprogs: transactions this journal commits are replayed by
// e2fsck, and the journal it leaves behind passes e2fsck.
#include "journal_test_support.h"

namespace ingot::test {
namespace {

using ext2::JournalBlock;

class JournalHost : public JournalTest {};

TEST_P(JournalHost, E2fsckReplaysACommitCutOffBeforeTheHomeWrites) {
    ImageBlockDevice device(base_);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    std::vector<uint64_t> homes = image_.free_blocks(3, 6000);
    ASSERT_EQ(homes.size(), 3u);
    std::vector<std::vector<uint8_t>> data = {pattern_block(bs_, 1), pattern_block(bs_, 2), pattern_block(bs_, 3)};
    // The third block starts with the jbd2 magic, so its copy in the log is escaped.
    ext2::jbd2::store_be32(data[2].data(), ext2::jbd2::kMagic);
    std::vector<JournalBlock> blocks;
    for (size_t i = 0; i < homes.size(); ++i) blocks.push_back(JournalBlock{homes[i], data[i].data()});

    // Superblock, descriptor, three copies, commit block: the power fails right after the
    // commit block's flush, before any home write.
    device.fail_after_writes(1 + 1 + 3 + 1);
    EXPECT_EQ(journal->commit(blocks).error(), Errno{EIO});
    std::vector<uint8_t> crashed = device.after_power_loss([](size_t) { return false; });
    for (uint64_t home : homes) EXPECT_EQ(block_of(crashed, home, bs_), block_of(base_, home, bs_));
    set_needs_recovery(crashed);
    ImageBlockDevice saved(crashed);
    ASSERT_TRUE(saved.save(path_));

    CommandResult fsck = run_command("e2fsck -fy " + path_);
    EXPECT_TRUE(fsck.exit_code == 0 || fsck.exit_code == 1) << fsck.output;
    EXPECT_NE(fsck.output.find("recovering journal"), std::string::npos) << fsck.output;
    std::vector<uint8_t> replayed = image_.load();
    for (size_t i = 0; i < homes.size(); ++i) EXPECT_EQ(block_of(replayed, homes[i], bs_), data[i]) << "block " << i;
    CommandResult clean = run_command("e2fsck -fn " + path_);
    EXPECT_EQ(clean.exit_code, 0) << clean.output;

    // e2fsck emptied the journal; ours opens it and goes on past the replayed sequence.
    ImageBlockDevice after(replayed);
    auto reopened = open(after);
    ASSERT_NE(reopened, nullptr);
    EXPECT_FALSE(reopened->needs_recovery());
    EXPECT_TRUE(ext2::jbd2::sequence_after(reopened->next_sequence(), journal->next_sequence() - 1));
}

TEST_P(JournalHost, ACompletedCommitLeavesAFileSystemE2fsckFindsClean) {
    ImageBlockDevice device(base_);
    auto journal = open(device);
    ASSERT_NE(journal, nullptr);
    std::vector<uint64_t> homes = image_.free_blocks(2, 7000);
    std::vector<uint8_t> first = pattern_block(bs_, 7), second = pattern_block(bs_, 8);
    JournalBlock blocks[] = {{homes[0], first.data()}, {homes[1], second.data()}};
    uint32_t sequence = journal->next_sequence();
    ASSERT_TRUE(journal->commit(blocks).ok());
    ASSERT_TRUE(journal->commit(std::span(blocks, 1)).ok());
    EXPECT_EQ(journal->next_sequence(), sequence + 2);
    EXPECT_FALSE(journal->needs_recovery());
    EXPECT_EQ(block_of(device.image(), homes[0], bs_), first);
    EXPECT_EQ(block_of(device.image(), homes[1], bs_), second);
    ASSERT_TRUE(device.save(path_));
    CommandResult fsck = run_command("e2fsck -fn " + path_);
    EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
    // The sequence survives a remount.
    auto reopened = open(device);
    ASSERT_NE(reopened, nullptr);
    EXPECT_TRUE(ext2::jbd2::sequence_after(reopened->next_sequence(), sequence + 1));
}

INSTANTIATE_TEST_SUITE_P(Layouts, JournalHost, testing::ValuesIn(kJournalLayouts), layout_name);

}  // namespace
}  // namespace ingot::test
