#include <mm/vma_map.h>

#include <gtest/gtest.h>

// <cerrno> (which gtest includes) defines EINVAL etc. as macros that hide the Errno
// enumerators, so tests spell Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <string>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kRW = kProtRead | kProtWrite;
constexpr uint32_t kRX = kProtRead | kProtExec;

// "start-end prot name" for each region, compact enough to compare whole maps at once.
std::string dump(const VmaMap& map) {
    std::string out;
    for (const Vma& r : map.regions()) {
        char line[128];
        snprintf(line, sizeof line, "%lx-%lx %c%c%c %s;", r.start, r.end, r.prot & kProtRead ? 'r' : '-',
                 r.prot & kProtWrite ? 'w' : '-', r.prot & kProtExec ? 'x' : '-', r.name);
        out += line;
    }
    return out;
}

std::string ranges(const std::vector<Vma>& removed) {
    std::string out;
    for (const Vma& r : removed) {
        char line[64];
        snprintf(line, sizeof line, "%lx-%lx;", r.start, r.end);
        out += line;
    }
    return out;
}

TEST(VmaMap, EmptyMapFindsNothing) {
    VmaMap map;
    EXPECT_EQ(map.find(0), nullptr);
    EXPECT_EQ(map.find(0x400000), nullptr);
    EXPECT_EQ(map.size(), 0u);
}

TEST(VmaMap, MapAndFind) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x400000, 0x2000, kRX, VmaKind::FileCopy, "text").ok());
    ASSERT_TRUE(map.map(0x600000, 0x1000, kRW, VmaKind::Anonymous, "data").ok());
    const Vma* r = map.find(0x401fff);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->start, 0x400000u);
    EXPECT_EQ(r->end, 0x402000u);
    EXPECT_EQ(r->prot, kRX);
    EXPECT_EQ(r->kind, VmaKind::FileCopy);
    EXPECT_EQ(r->name_view(), "text");
    EXPECT_EQ(map.find(0x402000), nullptr);
    EXPECT_EQ(map.find(0x3fffff), nullptr);
    EXPECT_EQ(map.find(0x600000)->name_view(), "data");
}

TEST(VmaMap, LengthIsRoundedUpToPages) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 1, kRW, VmaKind::Anonymous).ok());
    EXPECT_EQ(dump(map), "10000-11000 rw- ;");
}

TEST(VmaMap, LongNamesAreTruncated) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, kPage, kRW, VmaKind::Anonymous, "a-very-long-region-name-indeed").ok());
    EXPECT_EQ(map.find(0x10000)->name_view(), "a-very-long-region-name");
}

TEST(VmaMap, MapArgumentErrorsFollowMmap) {
    VmaMap map;
    EXPECT_EQ(map.map(0x10000, 0, kRW, VmaKind::Anonymous).error(), Errno{EINVAL});
    EXPECT_EQ(map.map(0x10001, kPage, kRW, VmaKind::Anonymous).error(), Errno{EINVAL});
    EXPECT_EQ(map.map(0x10000, kPage, 8, VmaKind::Anonymous).error(), Errno{EINVAL});
    EXPECT_EQ(map.map(0x10000, UINT64_MAX, kRW, VmaKind::Anonymous).error(), Errno{ENOMEM});
    EXPECT_EQ(map.map(VmaMap::kUserLimit - kPage, 2 * kPage, kRW, VmaKind::Anonymous).error(), Errno{ENOMEM});
    EXPECT_EQ(map.map(VmaMap::kUserLimit, kPage, kRW, VmaKind::Anonymous).error(), Errno{ENOMEM});
    EXPECT_EQ(map.map(0xffff800000000000, kPage, kRW, VmaKind::Anonymous).error(), Errno{ENOMEM});
    EXPECT_TRUE(map.map(VmaMap::kUserLimit - kPage, kPage, kRW, VmaKind::Anonymous).ok());
    EXPECT_EQ(map.size(), 1u);
}

TEST(VmaMap, MapFixedReplacesOverlapsAndReportsThem) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x4000, kRW, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(map.map(0x20000, 0x4000, kRW, VmaKind::Anonymous, "b").ok());
    std::vector<Vma> removed;
    ASSERT_TRUE(map.map(0x12000, 0x10000, kRX, VmaKind::FileCopy, "c", &removed).ok());
    EXPECT_EQ(ranges(removed), "12000-14000;20000-22000;");
    EXPECT_EQ(removed[0].name_view(), "a");
    EXPECT_EQ(removed[1].name_view(), "b");
    EXPECT_EQ(dump(map), "10000-12000 rw- a;12000-22000 r-x c;22000-24000 rw- b;");
}

TEST(VmaMap, MapInsideARegionSplitsItInThree) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x10000, kRW, VmaKind::Anonymous, "big").ok());
    std::vector<Vma> removed;
    ASSERT_TRUE(map.map(0x14000, 0x1000, kProtNone, VmaKind::Anonymous, "guard", &removed).ok());
    EXPECT_EQ(ranges(removed), "14000-15000;");
    EXPECT_EQ(dump(map), "10000-14000 rw- big;14000-15000 --- guard;15000-20000 rw- big;");
}

TEST(VmaMap, IdenticalNeighboursMerge) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x1000, kRW, VmaKind::Anonymous, "anon").ok());
    ASSERT_TRUE(map.map(0x12000, 0x1000, kRW, VmaKind::Anonymous, "anon").ok());
    ASSERT_TRUE(map.map(0x11000, 0x1000, kRW, VmaKind::Anonymous, "anon").ok());
    EXPECT_EQ(dump(map), "10000-13000 rw- anon;");
    ASSERT_TRUE(map.map(0x13000, 0x1000, kRW, VmaKind::Stack, "anon").ok());  // other kind
    EXPECT_EQ(map.size(), 2u);
}

TEST(VmaMap, UnmapSplitsAtEdgesAndIgnoresHoles) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x4000, kRW, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(map.map(0x20000, 0x4000, kRX, VmaKind::FileCopy, "b").ok());
    std::vector<Vma> removed;
    ASSERT_TRUE(map.unmap(0x13000, 0xe000, &removed).ok());
    EXPECT_EQ(ranges(removed), "13000-14000;20000-21000;");
    EXPECT_EQ(dump(map), "10000-13000 rw- a;21000-24000 r-x b;");
    removed.clear();
    ASSERT_TRUE(map.unmap(0x11000, 1, &removed).ok());  // rounded up to one page
    EXPECT_EQ(ranges(removed), "11000-12000;");
    EXPECT_EQ(dump(map), "10000-11000 rw- a;12000-13000 rw- a;21000-24000 r-x b;");
    removed.clear();
    ASSERT_TRUE(map.unmap(0x50000, 0x1000, &removed).ok());  // nothing there: fine
    EXPECT_TRUE(removed.empty());
    ASSERT_TRUE(map.unmap(0, VmaMap::kUserLimit).ok());
    EXPECT_EQ(map.size(), 0u);
}

TEST(VmaMap, UnmapArgumentErrorsFollowMunmap) {
    VmaMap map;
    EXPECT_EQ(map.unmap(0x10000, 0).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(0x10001, kPage).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(VmaMap::kUserLimit + kPage, kPage).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(VmaMap::kUserLimit - kPage, 2 * kPage).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(0x10000, UINT64_MAX).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(0x10000, UINT64_MAX - 0x10000 + 1).error(), Errno{EINVAL});
    EXPECT_TRUE(map.unmap(VmaMap::kUserLimit - kPage, kPage).ok());
    EXPECT_EQ(map.unmap(VmaMap::kUserLimit, 0xfff).error(), Errno{EINVAL});
    EXPECT_EQ(map.unmap(VmaMap::kUserLimit, 0).error(), Errno{EINVAL});
}

TEST(VmaMap, ProtectSplitsAndMerges) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x8000, kRW, VmaKind::Anonymous, "arena").ok());
    ASSERT_TRUE(map.protect(0x12000, 0x2000, kProtRead).ok());
    EXPECT_EQ(dump(map), "10000-12000 rw- arena;12000-14000 r-- arena;14000-18000 rw- arena;");
    ASSERT_TRUE(map.protect(0x12000, 0x2000, kRW).ok());  // back as it was: one region again
    EXPECT_EQ(dump(map), "10000-18000 rw- arena;");
    ASSERT_TRUE(map.protect(0x10000, 1, kProtNone).ok());
    EXPECT_EQ(dump(map), "10000-11000 --- arena;11000-18000 rw- arena;");
}

TEST(VmaMap, ProtectAcrossAdjacentRegions) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x2000, kRX, VmaKind::FileCopy, "text").ok());
    ASSERT_TRUE(map.map(0x12000, 0x2000, kRW, VmaKind::Anonymous, "bss").ok());
    ASSERT_TRUE(map.protect(0x11000, 0x2000, kProtRead).ok());
    EXPECT_EQ(dump(map), "10000-11000 r-x text;11000-12000 r-- text;12000-13000 r-- bss;13000-14000 rw- bss;");
}

TEST(VmaMap, ProtectErrorsFollowMprotect) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x10000, 0x2000, kRW, VmaKind::Anonymous, "a").ok());
    ASSERT_TRUE(map.map(0x13000, 0x1000, kRW, VmaKind::Anonymous, "b").ok());
    std::string before = dump(map);
    EXPECT_EQ(map.protect(0x10001, kPage, kProtRead).error(), Errno{EINVAL});
    EXPECT_EQ(map.protect(0x10000, kPage, 0x10).error(), Errno{EINVAL});
    EXPECT_TRUE(map.protect(0x50000, 0, kProtRead).ok());  // len 0: nothing to do
    // A hole at 0x12000: ENOMEM and nothing changes, not even the mapped part.
    EXPECT_EQ(map.protect(0x10000, 0x4000, kProtRead).error(), Errno{ENOMEM});
    EXPECT_EQ(map.protect(0x30000, kPage, kProtRead).error(), Errno{ENOMEM});
    EXPECT_EQ(map.protect(0x10000, UINT64_MAX, kProtRead).error(), Errno{ENOMEM});
    EXPECT_EQ(map.protect(0xfffffffffffff000, 0x2000, kProtRead).error(), Errno{ENOMEM});
    EXPECT_EQ(map.protect(VmaMap::kUserLimit, kPage, kProtRead).error(), Errno{ENOMEM});
    EXPECT_EQ(dump(map), before);
}

TEST(VmaMap, FindFreeIsTopDownBelowTheLimit) {
    VmaMap map;
    constexpr uint64_t low = 0x10000, high = 0x7f0000000000;
    auto first = map.find_free(0x3000, 0, low, high);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first.value(), high - 0x3000);
    ASSERT_TRUE(map.map(first.value(), 0x3000, kRW, VmaKind::Anonymous).ok());
    auto second = map.find_free(1, 0, low, high);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second.value(), high - 0x4000);
    // A hole just big enough below the top mapping is taken before lower space.
    ASSERT_TRUE(map.map(high - 0x10000, 0x1000, kRW, VmaKind::Anonymous).ok());
    ASSERT_TRUE(map.map(high - 0x4000, 0x1000, kRW, VmaKind::Anonymous).ok());
    EXPECT_EQ(map.find_free(0xb000, 0, low, high).value(), high - 0xf000);
    EXPECT_EQ(map.find_free(0xc000, 0, low, high).value(), high - 0x1c000);
}

TEST(VmaMap, FindFreeHonoursAFreeHint) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x400000, 0x10000, kRX, VmaKind::FileCopy).ok());
    EXPECT_EQ(map.find_free(0x2000, 0x800000, 0x10000, 0x7f0000000000).value(), 0x800000u);
    EXPECT_EQ(map.find_free(0x2000, 0x800001, 0x10000, 0x7f0000000000).value(), 0x801000u);  // rounded up
    // Hint overlapping a mapping, below low_limit or too near the top: ignored.
    EXPECT_EQ(map.find_free(0x2000, 0x40f000, 0x10000, 0x7f0000000000).value(), 0x7f0000000000u - 0x2000);
    EXPECT_EQ(map.find_free(0x2000, 0x1000, 0x10000, 0x7f0000000000).value(), 0x7f0000000000u - 0x2000);
    EXPECT_EQ(map.find_free(0x2000, 0x7f0000000000 - 0x1000, 0x10000, 0x7f0000000000).value(),
              0x7f0000000000u - 0x2000);
    EXPECT_EQ(map.find_free(0x2000, UINT64_MAX, 0x10000, 0x7f0000000000).value(), 0x7f0000000000u - 0x2000);
}

TEST(VmaMap, FindFreeErrors) {
    VmaMap map;
    EXPECT_EQ(map.find_free(0, 0, 0x10000, 0x20000).error(), Errno{EINVAL});
    EXPECT_EQ(map.find_free(0x20000, 0, 0x10000, 0x20000).error(), Errno{ENOMEM});
    EXPECT_EQ(map.find_free(UINT64_MAX, 0, 0x10000, 0x20000).error(), Errno{ENOMEM});
    EXPECT_EQ(map.find_free(kPage, 0, 0x20000, 0x10000).error(), Errno{ENOMEM});
    EXPECT_EQ(map.find_free(kPage, 0, UINT64_MAX, UINT64_MAX).error(), Errno{ENOMEM});
    // High limit above user space is clipped to it.
    EXPECT_EQ(map.find_free(kPage, 0, 0x10000, UINT64_MAX).value(), VmaMap::kUserLimit - kPage);
    // Completely full window.
    ASSERT_TRUE(map.map(0x10000, 0x10000, kRW, VmaKind::Anonymous).ok());
    EXPECT_EQ(map.find_free(kPage, 0, 0x10000, 0x20000).error(), Errno{ENOMEM});
    EXPECT_EQ(map.find_free(kPage, 0, 0x10000, 0x21000).value(), 0x20000u);
}

TEST(VmaMap, FindFreeRespectsLowLimit) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x20000, 0x10000, kRW, VmaKind::Anonymous).ok());
    // Only the gap [0x10000, 0x20000) is inside the window; it fits 0x10000 bytes exactly.
    EXPECT_EQ(map.find_free(0x10000, 0, 0x10000, 0x30000).value(), 0x10000u);
    EXPECT_EQ(map.find_free(0x10000, 0, 0x10001, 0x30000).error(), Errno{ENOMEM});
}

TEST(VmaMap, HeapGrowsAndShrinks) {
    VmaMap map;
    ASSERT_TRUE(map.map(0x400000, 0x3000, kRW, VmaKind::FileCopy, "data").ok());
    constexpr uint64_t heap = 0x403000;
    ASSERT_TRUE(map.resize_heap(heap, heap).ok());  // nothing yet
    EXPECT_EQ(map.size(), 1u);
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x2000).ok());
    EXPECT_EQ(dump(map), "400000-403000 rw- data;403000-405000 rw- [heap];");
    EXPECT_EQ(map.find(heap)->kind, VmaKind::Heap);
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x5000).ok());
    EXPECT_EQ(dump(map), "400000-403000 rw- data;403000-408000 rw- [heap];");
    std::vector<Vma> removed;
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x1000, &removed).ok());
    EXPECT_EQ(ranges(removed), "404000-408000;");
    removed.clear();
    ASSERT_TRUE(map.resize_heap(heap, heap, &removed).ok());
    EXPECT_EQ(ranges(removed), "403000-404000;");
    EXPECT_EQ(map.size(), 1u);
}

TEST(VmaMap, HeapDoesNotGrowIntoAMapping) {
    VmaMap map;
    constexpr uint64_t heap = 0x500000;
    ASSERT_TRUE(map.map(0x510000, 0x1000, kRW, VmaKind::Anonymous, "blocker").ok());
    ASSERT_TRUE(map.resize_heap(heap, 0x510000).ok());
    EXPECT_EQ(map.resize_heap(heap, 0x511000).error(), Errno{ENOMEM});
    EXPECT_EQ(map.find(0x50f000)->end, 0x510000u);
    EXPECT_EQ(map.resize_heap(heap, 0x4ff000).error(), Errno{EINVAL});
    EXPECT_EQ(map.resize_heap(heap, 0x510001).error(), Errno{EINVAL});
    EXPECT_EQ(map.resize_heap(heap, VmaMap::kUserLimit + kPage).error(), Errno{ENOMEM});
}

TEST(VmaMap, HeapSplitByProtectStillResizes) {
    VmaMap map;
    constexpr uint64_t heap = 0x500000;
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x4000).ok());
    ASSERT_TRUE(map.protect(heap + 0x1000, 0x1000, kProtRead).ok());
    ASSERT_EQ(map.size(), 3u);
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x6000).ok());
    EXPECT_EQ(dump(map), "500000-501000 rw- [heap];501000-502000 r-- [heap];502000-506000 rw- [heap];");
    std::vector<Vma> removed;
    ASSERT_TRUE(map.resize_heap(heap, heap + 0x1000, &removed).ok());
    EXPECT_EQ(ranges(removed), "501000-502000;502000-506000;");
}

TEST(VmaMap, ManyRegionsStaySortedAndFindable) {
    VmaMap map;
    // Every other page in reverse order, then fill the gaps with another name.
    for (uint64_t i = 200; i-- > 0;)
        ASSERT_TRUE(map.map(0x100000 + 2 * i * kPage, kPage, kRW, VmaKind::Anonymous, "even").ok());
    for (uint64_t i = 0; i < 200; ++i)
        ASSERT_TRUE(map.map(0x100000 + (2 * i + 1) * kPage, kPage, kRW, VmaKind::Anonymous, "odd").ok());
    EXPECT_EQ(map.size(), 400u);
    for (uint64_t i = 0; i < 400; ++i) {
        const Vma* r = map.find(0x100000 + i * kPage + 123);
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->start, 0x100000 + i * kPage);
        EXPECT_EQ(r->name_view(), i % 2 ? "odd" : "even");
    }
    auto regions = map.regions();
    for (size_t i = 1; i < regions.size(); ++i) EXPECT_LE(regions[i - 1].end, regions[i].start);
}

}  // namespace
}  // namespace ingot
