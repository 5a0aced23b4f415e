#include <mm/page_allocator.h>

#include <gtest/gtest.h>

// <cerrno> (which gtest includes) defines EINVAL etc. as macros that hide the Errno
// enumerators, so tests spell Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

namespace ingot {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

// An allocator over [0, max_phys) with its bitmap in host memory.
class Frames {
public:
    explicit Frames(uint64_t max_phys)
        : storage_(PageAllocator::bitmap_bytes_for(max_phys) / sizeof(uint64_t) + 1) {
        allocator.init(storage_.data(), storage_.size() * sizeof(uint64_t), max_phys);
    }
    PageAllocator allocator;

private:
    std::vector<uint64_t> storage_;
};

TEST(PageAllocator, BitmapBytesCoverEveryFrameTwice) {
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(0), 0u);
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(kPage), 16u);             // one word per bitmap
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(4 * kMiB), 2 * 1024 / 8u);  // 1024 frames
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(4 * kGiB), 2 * (4 * kGiB / kPage) / 8);
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(65 * kPage), 2 * 2 * 8u);  // 65 frames: 2 words
    EXPECT_EQ(PageAllocator::bitmap_bytes_for(kPage - 1), 0u);          // no whole frame
}

TEST(PageAllocator, DefaultConstructedHasNothing) {
    PageAllocator allocator;
    EXPECT_EQ(allocator.total_pages(), 0u);
    auto page = allocator.allocate();
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error(), Errno{ENOMEM});
}

TEST(PageAllocator, EverythingStartsReserved) {
    Frames f(4 * kMiB);
    EXPECT_EQ(f.allocator.free_pages(), 0u);
    EXPECT_EQ(f.allocator.total_pages(), 0u);
    EXPECT_EQ(f.allocator.allocate().error(), Errno{ENOMEM});
}

TEST(PageAllocator, AddFreeRangeRoundsInward) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(0x1001, 0x3000);  // covers whole frames 2 and 3 only
    EXPECT_EQ(f.allocator.free_pages(), 2u);
    EXPECT_FALSE(f.allocator.is_free(0x1000));
    EXPECT_TRUE(f.allocator.is_free(0x2000));
    EXPECT_TRUE(f.allocator.is_free(0x3fff));
    EXPECT_FALSE(f.allocator.is_free(0x4000));
    f.allocator.add_free_range(0x10000, 0xfff);  // less than a page: nothing
    EXPECT_EQ(f.allocator.free_pages(), 2u);
}

TEST(PageAllocator, ReserveRangeRoundsOutward) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(0, 16 * kPage);
    f.allocator.reserve_range(0x1fff, 2);  // touches frames 1 and 2
    EXPECT_EQ(f.allocator.free_pages(), 14u);
    EXPECT_EQ(f.allocator.total_pages(), 14u);
    EXPECT_TRUE(f.allocator.is_free(0));
    EXPECT_FALSE(f.allocator.is_free(0x1000));
    EXPECT_FALSE(f.allocator.is_free(0x2000));
    EXPECT_TRUE(f.allocator.is_free(0x3000));
    f.allocator.reserve_range(0x5000, 0);  // empty range: nothing
    EXPECT_EQ(f.allocator.free_pages(), 14u);
}

TEST(PageAllocator, RangesAreClippedToMaxPhysAndNeverWrap) {
    Frames f(10 * kPage + 123);  // a partial last frame is not managed
    f.allocator.add_free_range(0, UINT64_MAX);
    EXPECT_EQ(f.allocator.free_pages(), 10u);
    f.allocator.reserve_range(UINT64_MAX - 10, 100);
    EXPECT_EQ(f.allocator.free_pages(), 10u);
    f.allocator.reserve_range(9 * kPage, UINT64_MAX);
    EXPECT_EQ(f.allocator.free_pages(), 9u);
}

TEST(PageAllocator, AddingAndReservingTwiceIsIdempotent) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(kMiB, kMiB);
    f.allocator.add_free_range(kMiB, kMiB);
    EXPECT_EQ(f.allocator.free_pages(), 256u);
    f.allocator.reserve_range(kMiB, 4 * kPage);
    f.allocator.reserve_range(kMiB, 4 * kPage);
    EXPECT_EQ(f.allocator.free_pages(), 252u);
}

TEST(PageAllocator, AllocatesEveryFreePageOnceThenRunsOut) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(kMiB, 3 * kMiB);
    std::set<uint64_t> seen;
    for (int i = 0; i < 768; ++i) {
        auto page = f.allocator.allocate();
        ASSERT_TRUE(page.ok()) << i;
        EXPECT_EQ(page.value() % kPage, 0u);
        EXPECT_GE(page.value(), kMiB);
        EXPECT_LT(page.value(), 4 * kMiB);
        EXPECT_TRUE(seen.insert(page.value()).second);
    }
    EXPECT_EQ(f.allocator.free_pages(), 0u);
    EXPECT_EQ(f.allocator.total_pages(), 768u);
    EXPECT_EQ(f.allocator.allocate().error(), Errno{ENOMEM});
    f.allocator.free(2 * kMiB);
    auto again = f.allocator.allocate();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), 2 * kMiB);
}

TEST(PageAllocator, CountZeroIsInvalid) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(0, 4 * kMiB);
    EXPECT_EQ(f.allocator.allocate(0).error(), Errno{EINVAL});
    f.allocator.free(0, 0);  // freeing nothing is harmless
    EXPECT_EQ(f.allocator.free_pages(), 1024u);
}

TEST(PageAllocator, NextFitDoesNotReuseTheJustFreedPage) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(0, 4 * kMiB);
    uint64_t first = f.allocator.allocate().value();
    f.allocator.free(first);
    uint64_t second = f.allocator.allocate().value();
    EXPECT_EQ(second, first + kPage);
}

TEST(PageAllocator, NextFitWrapsAroundToFreedPages) {
    Frames f(64 * kPage);
    f.allocator.add_free_range(0, 64 * kPage);
    std::vector<uint64_t> pages;
    for (int i = 0; i < 64; ++i) pages.push_back(f.allocator.allocate().value());
    f.allocator.free(pages[5]);
    f.allocator.free(pages[40]);
    EXPECT_EQ(f.allocator.allocate().value(), pages[5]);
    EXPECT_EQ(f.allocator.allocate().value(), pages[40]);
    EXPECT_EQ(f.allocator.allocate().error(), Errno{ENOMEM});
}

TEST(PageAllocator, ContiguousRunsSkipHoles) {
    Frames f(4 * kMiB);
    // Free frames: 10, 12-13, 20-24 (runs of 1, 2 and 5).
    f.allocator.add_free_range(10 * kPage, kPage);
    f.allocator.add_free_range(12 * kPage, 2 * kPage);
    f.allocator.add_free_range(20 * kPage, 5 * kPage);
    auto run = f.allocator.allocate(3);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run.value(), 20 * kPage);
    EXPECT_EQ(f.allocator.allocate(3).error(), Errno{ENOMEM});  // 2 left at 23-24
    auto pair = f.allocator.allocate(2);
    ASSERT_TRUE(pair.ok());
    // Next fit continues after frame 22, so it finds 23-24 before wrapping to 12-13.
    EXPECT_EQ(pair.value(), 23 * kPage);
    EXPECT_EQ(f.allocator.allocate(2).value(), 12 * kPage);
    EXPECT_EQ(f.allocator.allocate(6).error(), Errno{ENOMEM});
    f.allocator.free(20 * kPage, 3);
    f.allocator.free(23 * kPage, 2);
    EXPECT_EQ(f.allocator.allocate(5).value(), 20 * kPage);
}

TEST(PageAllocator, RunsCrossWordBoundaries) {
    Frames f(4 * kMiB);
    f.allocator.add_free_range(60 * kPage, 200 * kPage);  // frames 60..259 span 4 words
    auto run = f.allocator.allocate(200);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run.value(), 60 * kPage);
    EXPECT_EQ(f.allocator.free_pages(), 0u);
    f.allocator.free(run.value(), 200);
    EXPECT_EQ(f.allocator.free_pages(), 200u);
    EXPECT_EQ(f.allocator.allocate(201).error(), Errno{ENOMEM});
}

TEST(PageAllocator, ReservingAllocatedFramesLeavesThemAllocated) {
    Frames f(64 * kPage);
    f.allocator.add_free_range(0, 64 * kPage);
    uint64_t page = f.allocator.allocate().value();
    f.allocator.reserve_range(page, kPage);
    EXPECT_EQ(f.allocator.total_pages(), 64u);
    f.allocator.add_free_range(page, kPage);  // allocated: unchanged
    EXPECT_EQ(f.allocator.free_pages(), 63u);
    f.allocator.free(page);
    EXPECT_EQ(f.allocator.free_pages(), 64u);
}

TEST(PageAllocator, TinyGuestWithKernelReserved) {
    // A 4 MiB guest: low 1 MiB and the kernel image reserved, bitmap itself reserved.
    Frames f(4 * kMiB);
    f.allocator.add_free_range(0, 0x9fc00);
    f.allocator.add_free_range(kMiB, 3 * kMiB);
    f.allocator.reserve_range(0, kMiB);
    f.allocator.reserve_range(kMiB, 0x123456);  // kernel image, rounded outward
    EXPECT_EQ(f.allocator.free_pages(), 1024u - 256 - 292);
    uint64_t count = 0;
    while (f.allocator.allocate().ok()) ++count;
    EXPECT_EQ(count, 1024u - 256 - 292);
}

TEST(PageAllocator, LargeMachine) {
    // 16 GiB with a PCI hole, like a big guest's e820 map.
    uint64_t max_phys = 17 * kGiB;
    Frames f(max_phys);
    f.allocator.add_free_range(kMiB, 3 * kGiB - kMiB);
    f.allocator.add_free_range(4 * kGiB, 13 * kGiB);
    uint64_t expected = (16 * kGiB - kMiB) / kPage;
    EXPECT_EQ(f.allocator.free_pages(), expected);
    EXPECT_FALSE(f.allocator.is_free(3 * kGiB + kPage));
    // A run that cannot fit below the hole comes from above it.
    auto huge = f.allocator.allocate((4 * kGiB) / kPage);
    ASSERT_TRUE(huge.ok());
    EXPECT_GE(huge.value(), 4 * kGiB);
    for (int i = 0; i < 100000; ++i) ASSERT_TRUE(f.allocator.allocate().ok());
    EXPECT_EQ(f.allocator.free_pages(), expected - (4 * kGiB) / kPage - 100000);
}

TEST(PageAllocator, RandomOperationsMatchAModel) {
    constexpr uint64_t frames = 700;
    Frames f(frames * kPage);
    std::vector<int> model(frames, 0);  // 0 reserved, 1 free, 2 allocated
    std::mt19937_64 rng(1234);
    std::vector<std::pair<uint64_t, size_t>> live;
    for (int step = 0; step < 20000; ++step) {
        int op = rng() % 10;
        if (op == 0) {
            uint64_t base = rng() % (frames * kPage + 3 * kPage);
            uint64_t size = rng() % (40 * kPage);
            f.allocator.add_free_range(base, size);
            uint64_t first = (base + kPage - 1) / kPage, end = std::min<uint64_t>((base + size) / kPage, frames);
            for (uint64_t i = first; i < end; ++i)
                if (model[i] == 0) model[i] = 1;
        } else if (op == 1) {
            uint64_t base = rng() % (frames * kPage);
            uint64_t size = rng() % (8 * kPage);
            f.allocator.reserve_range(base, size);
            uint64_t first = base / kPage, end = std::min<uint64_t>((base + size + kPage - 1) / kPage, frames);
            for (uint64_t i = first; i < end; ++i)
                if (model[i] == 1) model[i] = 0;
        } else if (op < 6) {
            size_t count = rng() % 4 == 0 ? 1 + rng() % 20 : 1;
            auto result = f.allocator.allocate(count);
            if (result.ok()) {
                uint64_t first = result.value() / kPage;
                ASSERT_LE(first + count, frames);
                for (uint64_t i = first; i < first + count; ++i) ASSERT_EQ(model[i], 1) << i;
                for (uint64_t i = first; i < first + count; ++i) model[i] = 2;
                live.emplace_back(result.value(), count);
            } else {
                ASSERT_EQ(result.error(), Errno{ENOMEM});
                // No run of `count` free frames may exist in the model.
                size_t run = 0;
                for (uint64_t i = 0; i < frames; ++i) {
                    run = model[i] == 1 ? run + 1 : 0;
                    ASSERT_LT(run, count);
                }
            }
        } else if (!live.empty()) {
            size_t pick = rng() % live.size();
            auto [phys, count] = live[pick];
            live.erase(live.begin() + pick);
            f.allocator.free(phys, count);
            for (uint64_t i = phys / kPage; i < phys / kPage + count; ++i) model[i] = 1;
        }
        size_t free_count = 0, allocated = 0;
        for (int m : model) free_count += m == 1, allocated += m == 2;
        ASSERT_EQ(f.allocator.free_pages(), free_count) << step;
        ASSERT_EQ(f.allocator.total_pages(), free_count + allocated) << step;
    }
}

TEST(PageAllocatorDeathTest, DoubleFreePanics) {
    Frames f(64 * kPage);
    f.allocator.add_free_range(0, 64 * kPage);
    uint64_t page = f.allocator.allocate().value();
    f.allocator.free(page);
    EXPECT_DEATH(f.allocator.free(page), "double free of page 0x0");
}

TEST(PageAllocatorDeathTest, FreeingReservedMemoryPanics) {
    Frames f(64 * kPage);
    f.allocator.add_free_range(0, 32 * kPage);
    EXPECT_DEATH(f.allocator.free(40 * kPage), "freeing reserved page 0x28000");
    uint64_t run = f.allocator.allocate(2).value();
    EXPECT_DEATH(f.allocator.free(run, 3), "freeing reserved page|double free");
}

TEST(PageAllocatorDeathTest, FreeingMisalignedOrOutOfRangePanics) {
    Frames f(64 * kPage);
    f.allocator.add_free_range(0, 64 * kPage);
    uint64_t page = f.allocator.allocate().value();
    EXPECT_DEATH(f.allocator.free(page + 8), "misaligned");
    EXPECT_DEATH(f.allocator.free(64 * kPage), "beyond the managed memory");
    EXPECT_DEATH(f.allocator.free(60 * kPage, SIZE_MAX), "beyond the managed memory");
}

TEST(PageAllocatorDeathTest, TooLittleStoragePanics) {
    std::vector<uint64_t> storage(1);
    PageAllocator allocator;
    EXPECT_DEATH(allocator.init(storage.data(), 8, 4 * kMiB), "bytes of bitmap storage");
}

}  // namespace
}  // namespace ingot
