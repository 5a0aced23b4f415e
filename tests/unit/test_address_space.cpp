#include "fakes/fake_machine.h"

#include <gtest/gtest.h>

// <cerrno> (pulled in by GoogleTest) defines the E* names as macros, so tests spell
// Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <mm/address_space.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <cstring>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t kStackTop = 0x7fff'0000'0000ull;

class AddressSpaceTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_machine::reset();
        space.set_layout(kStackTop);
        free_at_start = physical_pages().free_pages();
    }
    AddressSpace space;
    size_t free_at_start = 0;
};

TEST_F(AddressSpaceTest, AnonymousMemoryIsDemandPagedAndZero) {
    ASSERT_TRUE(space.map_anonymous(0x10000000, 16 * kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    EXPECT_EQ(fake_machine::mapped_pages(), 0u);
    ASSERT_TRUE(space.handle_fault(0x10003123, Access::Write).ok());
    EXPECT_EQ(fake_machine::mapped_pages(), 1u);
    uint8_t* bytes = fake_machine::page_bytes(0x10003000);
    ASSERT_NE(bytes, nullptr);
    for (size_t i = 0; i < kPageSize; ++i) ASSERT_EQ(bytes[i], 0);
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 1);
}

TEST_F(AddressSpaceTest, FaultsOutsideRegionsOrAgainstProtectionFail) {
    EXPECT_EQ(space.handle_fault(0x20000000, Access::Read).error(), Errno{EFAULT});
    ASSERT_TRUE(space.map_anonymous(0x10000000, kPageSize, kProtRead, VmaKind::Anonymous, "ro").ok());
    EXPECT_EQ(space.handle_fault(0x10000000, Access::Write).error(), Errno{EFAULT});
    EXPECT_EQ(space.handle_fault(0x10000000, Access::Execute).error(), Errno{EFAULT});
    EXPECT_TRUE(space.handle_fault(0x10000000, Access::Read).ok());
    // A second fault on a present page is a protection violation, not a missing page.
    EXPECT_EQ(space.handle_fault(0x10000000, Access::Read).error(), Errno{EFAULT});
    EXPECT_EQ(space.handle_fault(0xffff'8000'0000'0000ull, Access::Read).error(), Errno{EFAULT});
}

TEST_F(AddressSpaceTest, ForkSharesPagesUntilAWriteCopiesThem) {
    constexpr uint64_t kBase = 0x10000000;
    space.activate();
    ASSERT_TRUE(space.map_anonymous(kBase, 2 * kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    const uint8_t parent_text[] = "written before fork";
    ASSERT_TRUE(space.fill(kBase, parent_text).ok());
    ASSERT_TRUE(space.handle_fault(kBase + kPageSize, Access::Write).ok());
    auto forked = space.fork_copy();
    ASSERT_TRUE(forked.ok());
    AddressSpace* child = forked.value();
    // Both pages are shared: no frame was copied, and both sides map them read-only.
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 2);
    EXPECT_EQ(fake_machine::page_prot(kBase), kProtRead);
    // The parent writes: it gets its own copy, the child still sees the old bytes.
    ASSERT_TRUE(space.handle_fault(kBase, Access::Write).ok());
    EXPECT_EQ(fake_machine::page_prot(kBase), kProtRead | kProtWrite);
    memcpy(fake_machine::page_bytes(kBase), "PARENT", 6);
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 3);
    child->activate();
    EXPECT_EQ(memcmp(fake_machine::page_bytes(kBase), parent_text, sizeof(parent_text)), 0);
    EXPECT_EQ(fake_machine::page_prot(kBase), kProtRead);
    // The child is now the only user of that frame: its write takes the frame back, no copy.
    ASSERT_TRUE(child->handle_fault(kBase, Access::Write).ok());
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 3);
    // mprotect cannot make a still-shared page writable behind copy-on-write's back.
    ASSERT_TRUE(child->protect(kBase + kPageSize, kPageSize, kProtRead | kProtWrite).ok());
    EXPECT_EQ(fake_machine::page_prot(kBase + kPageSize), kProtRead);
    space.activate();
    child->release_everything();
    delete child;
    // The child's private page is freed; the second page is the parent's alone again.
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 2);
    ASSERT_TRUE(space.handle_fault(kBase + kPageSize, Access::Write).ok());
    EXPECT_EQ(physical_pages().free_pages(), free_at_start - 2);
}

TEST_F(AddressSpaceTest, UnmapFreesPages) {
    ASSERT_TRUE(space.map_anonymous(0x10000000, 8 * kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(space.handle_fault(0x10000000 + i * kPageSize, Access::Write).ok());
    ASSERT_TRUE(space.unmap(0x10002000, 3 * kPageSize).ok());
    EXPECT_EQ(fake_machine::mapped_pages(), 5u);
    EXPECT_EQ(space.handle_fault(0x10003000, Access::Read).error(), Errno{EFAULT});
    ASSERT_TRUE(space.unmap(0x10000000, 8 * kPageSize).ok());
    EXPECT_EQ(physical_pages().free_pages(), free_at_start);
}

TEST_F(AddressSpaceTest, FillCopiesAcrossPagesWhateverTheProtection) {
    ASSERT_TRUE(space.map_anonymous(0x400000, 3 * kPageSize, kProtRead | kProtExec, VmaKind::FileCopy, "text").ok());
    std::vector<uint8_t> content(5000);
    for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 7);
    ASSERT_TRUE(space.fill(0x400ff0, content).ok());
    EXPECT_EQ(fake_machine::page_bytes(0x400ff0)[0], content[0]);
    EXPECT_EQ(fake_machine::page_bytes(0x401000)[0], content[0x10]);
    EXPECT_EQ(fake_machine::page_bytes(0x400ff0 + 4999)[0], content[4999]);
    EXPECT_EQ(fake_machine::page_prot(0x401000), kProtRead | kProtExec);
    EXPECT_EQ(space.fill(0x900000, content).error(), Errno{EFAULT});
}

TEST_F(AddressSpaceTest, ProtectUpdatesPopulatedPages) {
    ASSERT_TRUE(space.map_anonymous(0x10000000, 2 * kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(space.handle_fault(0x10000000, Access::Write).ok());
    ASSERT_TRUE(space.protect(0x10000000, 2 * kPageSize, kProtRead).ok());
    EXPECT_EQ(fake_machine::page_prot(0x10000000), kProtRead);
    EXPECT_EQ(space.handle_fault(0x10001000, Access::Write).error(), Errno{EFAULT});
    EXPECT_EQ(space.protect(0x10000000, 4 * kPageSize, kProtRead).error(), Errno{ENOMEM});
}

TEST_F(AddressSpaceTest, BrkGrowsShrinksAndRefusesToOverlap) {
    space.set_brk_base(0x600000);
    EXPECT_EQ(space.brk(), 0x600000u);
    EXPECT_EQ(space.set_brk(0x600000 + 10000), 0x600000u + 10000);
    ASSERT_TRUE(space.handle_fault(0x602000, Access::Write).ok());
    EXPECT_EQ(space.set_brk(0x500000), 0x600000u + 10000);  // below the base: unchanged
    EXPECT_EQ(space.set_brk(0x601000), 0x601000u);
    EXPECT_EQ(fake_machine::mapped_pages(), 0u);  // the page past the new break was freed
    ASSERT_TRUE(space.map_anonymous(0x700000, kPageSize, kProtRead, VmaKind::Anonymous, "x").ok());
    EXPECT_EQ(space.set_brk(0x800000), 0x601000u);  // would run into a mapping
}

TEST_F(AddressSpaceTest, RemapGrowsInPlaceOrMovesKeepingContents) {
    ASSERT_TRUE(space.map_anonymous(0x10000000, kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(space.handle_fault(0x10000000, Access::Write).ok());
    fake_machine::page_bytes(0x10000000)[5] = 0x5A;
    auto grown = space.remap(0x10000000, kPageSize, 4 * kPageSize, false);
    ASSERT_TRUE(grown.ok());
    EXPECT_EQ(grown.value(), 0x10000000u);
    ASSERT_TRUE(space.map_anonymous(0x10004000, kPageSize, kProtRead, VmaKind::Anonymous, "block").ok());
    EXPECT_EQ(space.remap(0x10000000, 4 * kPageSize, 8 * kPageSize, false).error(), Errno{ENOMEM});
    auto moved = space.remap(0x10000000, 4 * kPageSize, 8 * kPageSize, true);
    ASSERT_TRUE(moved.ok());
    EXPECT_NE(moved.value(), 0x10000000u);
    EXPECT_EQ(fake_machine::page_bytes(moved.value())[5], 0x5A);
    EXPECT_EQ(space.regions().find(0x10000000), nullptr);
}

TEST_F(AddressSpaceTest, DiscardMakesPagesReadZeroAgain) {
    ASSERT_TRUE(space.map_anonymous(0x10000000, kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(space.handle_fault(0x10000000, Access::Write).ok());
    fake_machine::page_bytes(0x10000000)[0] = 1;
    ASSERT_TRUE(space.discard(0x10000000, kPageSize).ok());
    ASSERT_TRUE(space.handle_fault(0x10000000, Access::Read).ok());
    EXPECT_EQ(fake_machine::page_bytes(0x10000000)[0], 0);
    EXPECT_EQ(space.discard(0x20000000, kPageSize).error(), Errno{ENOMEM});
}

TEST_F(AddressSpaceTest, OutOfMemoryIsReportedNotFatal) {
    fake_machine::reset(4 * kPageSize);
    ASSERT_TRUE(space.map_anonymous(0x10000000, 16 * kPageSize, kProtRead | kProtWrite, VmaKind::Anonymous, "a").ok());
    int mapped = 0;
    for (int i = 0; i < 16; ++i)
        if (space.handle_fault(0x10000000 + i * kPageSize, Access::Write).ok()) ++mapped;
    EXPECT_EQ(mapped, 3);
    EXPECT_EQ(space.handle_fault(0x1000f000, Access::Write).error(), Errno{ENOMEM});
}

TEST_F(AddressSpaceTest, FindFreeStaysBelowTheStackGap) {
    auto where = space.find_free(1 << 20, 0);
    ASSERT_TRUE(where.ok());
    EXPECT_LE(where.value() + (1 << 20), kStackTop - AddressSpace::kStackLimit - AddressSpace::kStackGuardGap);
}

}  // namespace
}  // namespace ingot
