// The record lock table behind fcntl(2) locks: conflicts between owners, none with oneself,
// unlocking the middle of a range, and release by owner.
#include <gtest/gtest.h>
#include <fs/record_locks.h>

namespace ingot {
namespace {

const Inode* file_a = reinterpret_cast<const Inode*>(0x1000);
const Inode* file_b = reinterpret_cast<const Inode*>(0x2000);
const int owner_1 = 1, owner_2 = 2;  // distinct objects: only their addresses matter
constexpr uint64_t kToEnd = ~0ull;

TEST(RecordLocks, WriteLocksConflictWithEverythingReadLocksOnlyWithWrites) {
    RecordLockTable table;
    table.set(file_a, &owner_1, 10, true, false, 0, 100);  // read lock 0..99
    EXPECT_FALSE(table.conflict(file_a, &owner_2, false, 50, 60));  // another reader is fine
    auto held = table.conflict(file_a, &owner_2, true, 99, 200);     // a writer is not
    ASSERT_TRUE(held);
    EXPECT_EQ(held->pid, 10);
    EXPECT_FALSE(table.conflict(file_a, &owner_2, true, 100, 200));  // just past the end
    EXPECT_FALSE(table.conflict(file_b, &owner_2, true, 0, 100));    // another file
    EXPECT_FALSE(table.conflict(file_a, &owner_1, true, 0, kToEnd)); // never with oneself
}

TEST(RecordLocks, UnlockingTheMiddleSplitsAndRelockingReplaces) {
    RecordLockTable table;
    table.set(file_a, &owner_1, 1, true, true, 0, kToEnd);
    table.set(file_a, &owner_1, 1, false, false, 10, 20);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_FALSE(table.conflict(file_a, &owner_2, true, 10, 20));
    EXPECT_TRUE(table.conflict(file_a, &owner_2, false, 5, 11));
    EXPECT_TRUE(table.conflict(file_a, &owner_2, false, 1'000'000, 1'000'001));
    // Relocking a range as read turns that part from write to read.
    table.set(file_a, &owner_1, 1, true, false, 0, 10);
    EXPECT_FALSE(table.conflict(file_a, &owner_2, false, 0, 10));
    EXPECT_TRUE(table.conflict(file_a, &owner_2, true, 0, 10));
}

TEST(RecordLocks, ReleaseDropsAnOwnersLocksOnOneFileOrAll) {
    RecordLockTable table;
    table.set(file_a, &owner_1, 1, true, true, 0, 10);
    table.set(file_b, &owner_1, 1, true, true, 0, 10);
    table.set(file_a, &owner_2, 2, true, false, 20, 30);
    table.release(&owner_1, file_a);
    EXPECT_FALSE(table.conflict(file_a, &owner_2, true, 0, 10));
    EXPECT_TRUE(table.conflict(file_b, &owner_2, true, 0, 10));
    table.release(&owner_1);
    EXPECT_EQ(table.size(), 1u);
}

}  // namespace
}  // namespace ingot
