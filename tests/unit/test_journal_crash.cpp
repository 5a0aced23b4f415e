// A power failure at every write of a commit, with the unflushed writes lost, kept, or half
// kept: after recovery every block of the transaction is old, or every block is new, and the
// transaction is new for certain once its commit block was flushed.
#include "journal_test_support.h"

namespace ingot::test {
namespace {

using ext2::JournalBlock;

class JournalCrash : public JournalTest {};

TEST_P(JournalCrash, EveryCrashPointLeavesAllOldOrAllNew) {
    constexpr size_t kBlocks = 5;
    std::vector<uint64_t> homes = image_.free_blocks(kBlocks, 6500);
    ASSERT_EQ(homes.size(), kBlocks);
    std::vector<std::vector<uint8_t>> data;
    std::vector<JournalBlock> blocks;
    for (size_t i = 0; i < kBlocks; ++i) data.push_back(pattern_block(bs_, static_cast<uint32_t>(40 + i)));
    ext2::jbd2::store_be32(data[3].data(), ext2::jbd2::kMagic);
    for (size_t i = 0; i < kBlocks; ++i) blocks.push_back(JournalBlock{homes[i], data[i].data()});

    ImageBlockDevice whole(base_);
    auto reference = open(whole);
    ASSERT_NE(reference, nullptr);
    ASSERT_TRUE(reference->commit(blocks).ok());
    const uint64_t total_writes = whole.writes();
    // Superblock, descriptor, copies, commit block: from then on the transaction is durable.
    const uint64_t commit_durable = 1 + 1 + kBlocks + 1;
    ASSERT_EQ(total_writes, commit_durable + kBlocks + 1);

    const std::function<bool(size_t)> keeps[] = {
        [](size_t) { return false; }, [](size_t) { return true; }, [](size_t i) { return i % 2 == 0; },
        [](size_t i) { return i % 2 == 1; }};
    for (uint64_t crash_at = 0; crash_at <= total_writes; ++crash_at) {
        ImageBlockDevice device(base_);
        auto journal = open(device);
        ASSERT_NE(journal, nullptr);
        device.fail_after_writes(crash_at);
        auto committed = journal->commit(blocks);
        EXPECT_EQ(committed.ok(), crash_at == total_writes) << crash_at;
        for (size_t k = 0; k < std::size(keeps); ++k) {
            SCOPED_TRACE(testing::Message() << "crash after write " << crash_at << ", unflushed pattern " << k);
            ImageBlockDevice rebooted(device.after_power_loss(keeps[k]));
            auto after = open(rebooted);
            ASSERT_NE(after, nullptr);
            auto recovered = after->recover();
            ASSERT_TRUE(recovered.ok());
            EXPECT_FALSE(after->needs_recovery());
            size_t new_blocks = 0;
            for (size_t i = 0; i < kBlocks; ++i) {
                std::vector<uint8_t> now = block_of(rebooted.image(), homes[i], bs_);
                if (now == data[i]) {
                    ++new_blocks;
                } else {
                    EXPECT_EQ(now, block_of(base_, homes[i], bs_)) << "block " << i << " is neither old nor new";
                }
            }
            EXPECT_TRUE(new_blocks == 0 || new_blocks == kBlocks) << new_blocks << " of " << kBlocks << " new";
            if (crash_at >= commit_durable) EXPECT_EQ(new_blocks, kBlocks);
            // The journal works on after the crash.
            JournalBlock again{homes[0], data[1].data()};
            ASSERT_TRUE(after->commit(std::span(&again, 1)).ok());
            EXPECT_EQ(block_of(rebooted.image(), homes[0], bs_), data[1]);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, JournalCrash, testing::ValuesIn(kJournalLayouts), layout_name);

}  // namespace
}  // namespace ingot::test
