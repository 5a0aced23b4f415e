#include <mm/heap.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

namespace ingot {
namespace {

constexpr size_t kPage = 4096;

// Pages from the host's allocator, with a budget, checking that every free matches an
// allocation exactly.
class MallocPageSource final : public PageSource {
public:
    explicit MallocPageSource(size_t budget_pages = SIZE_MAX) : budget_(budget_pages) {}
    ~MallocPageSource() {
        for (auto& [pages, count] : live_) std::free(pages);
    }

    void* allocate_pages(size_t count) override {
        if (count > budget_ - held_ || count > (SIZE_MAX / kPage)) return nullptr;
        void* pages = std::aligned_alloc(kPage, count * kPage);
        if (!pages) return nullptr;
        std::memset(pages, 0xA5, count * kPage);  // stale contents, like reused RAM
        live_[pages] = count;
        held_ += count;
        return pages;
    }

    void free_pages(void* pages, size_t count) override {
        auto it = live_.find(pages);
        ASSERT_NE(it, live_.end()) << "freeing pages that were not allocated";
        ASSERT_EQ(it->second, count);
        std::free(pages);
        live_.erase(it);
        held_ -= count;
    }

    size_t held() const { return held_; }

private:
    size_t budget_;
    size_t held_ = 0;
    std::map<void*, size_t> live_;
};

struct Block {
    uint8_t* pointer;
    size_t size;
    uint8_t pattern;
};

void fill(const Block& b) { std::memset(b.pointer, b.pattern, b.size); }

bool intact(const Block& b) {
    for (size_t i = 0; i < b.size; ++i)
        if (b.pointer[i] != b.pattern) return false;
    return true;
}

TEST(Heap, SmallAllocationsAreAlignedAndDistinct) {
    MallocPageSource source;
    Heap heap(source);
    std::vector<Block> blocks;
    for (size_t size = 0; size <= 2100; size += 7) {
        auto* p = static_cast<uint8_t*>(heap.allocate(size));
        ASSERT_NE(p, nullptr) << size;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << size;
        blocks.push_back({p, size, static_cast<uint8_t>(size * 31 + 1)});
        fill(blocks.back());
    }
    for (const Block& b : blocks) EXPECT_TRUE(intact(b)) << b.size;
    for (const Block& b : blocks) heap.free(b.pointer);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, ZeroBytesGivesUniquePointers) {
    MallocPageSource source;
    Heap heap(source);
    void* a = heap.allocate(0);
    void* b = heap.allocate(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    heap.free(a);
    heap.free(b);
    heap.free(nullptr);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, ZeroBytesOverAlignedStaysInsideItsBlock) {
    MallocPageSource source;
    Heap heap(source);
    std::vector<void*> blocks;
    for (size_t align = 16; align <= 2048; align *= 2)
        for (int i = 0; i < 20; ++i) blocks.push_back(heap.allocate(0, align));
    std::sort(blocks.begin(), blocks.end());
    EXPECT_EQ(std::adjacent_find(blocks.begin(), blocks.end()), blocks.end());
    for (void* p : blocks) heap.free(p);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, BytesInUseCountsWholeBlocksAndPages) {
    MallocPageSource source;
    Heap heap(source);
    void* small = heap.allocate(20);  // 32-byte class
    EXPECT_EQ(heap.bytes_in_use(), 32u);
    void* large = heap.allocate(10000);  // 16-byte header + data: 3 pages
    EXPECT_EQ(heap.bytes_in_use(), 32u + 3 * kPage);
    heap.free(small);
    heap.free(large);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, FreedBlocksAreReused) {
    MallocPageSource source;
    Heap heap(source);
    void* a = heap.allocate(100);
    heap.free(a);
    EXPECT_EQ(heap.allocate(100), a);
}

TEST(Heap, AlignmentsUpToSixtyFourKiB) {
    MallocPageSource source;
    Heap heap(source);
    std::vector<Block> blocks;
    uint8_t pattern = 1;
    for (size_t align = 1; align <= 65536; align *= 2) {
        for (size_t size : {size_t{1}, size_t{24}, size_t{100}, size_t{1000}, size_t{2032}, size_t{4096},
                            size_t{5000}, size_t{70000}}) {
            auto* p = static_cast<uint8_t*>(heap.allocate(size, align));
            ASSERT_NE(p, nullptr) << size << " " << align;
            EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % std::max<size_t>(align, 16), 0u) << size << " " << align;
            blocks.push_back({p, size, pattern++});
            fill(blocks.back());
        }
    }
    for (const Block& b : blocks) EXPECT_TRUE(intact(b));
    for (const Block& b : blocks) heap.free(b.pointer);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_LE(source.held(), Heap::kClassCount);  // at most one cached page per class
}

TEST(Heap, RejectsBadAlignmentAndAbsurdSizes) {
    MallocPageSource source;
    Heap heap(source);
    EXPECT_EQ(heap.allocate(16, 24), nullptr);
    EXPECT_EQ(heap.allocate(16, 3), nullptr);
    EXPECT_EQ(heap.allocate(16, 12), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX - 4095), nullptr);
    EXPECT_EQ(heap.allocate(16, size_t{1} << 63), nullptr);
    EXPECT_EQ(source.held(), 0u);
}

TEST(Heap, LargeAllocationsTakeAndReturnWholePages) {
    MallocPageSource source;
    Heap heap(source);
    auto* p = static_cast<uint8_t*>(heap.allocate(1 << 20));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(source.held(), (1u << 20) / kPage + 1);
    std::memset(p, 0x5c, 1 << 20);
    heap.free(p);
    EXPECT_EQ(source.held(), 0u);
    // Page-aligned large block: the header lives in an extra page below it.
    auto* aligned = static_cast<uint8_t*>(heap.allocate(3 * kPage, kPage));
    ASSERT_NE(aligned, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % kPage, 0u);
    std::memset(aligned, 1, 3 * kPage);
    heap.free(aligned);
    EXPECT_EQ(source.held(), 0u);
}

TEST(Heap, EmptyPagesGoBackToTheSource) {
    MallocPageSource source;
    Heap heap(source);
    std::vector<void*> blocks;
    for (int i = 0; i < 1000; ++i) blocks.push_back(heap.allocate(16));  // ~4 pages of 16-byte blocks
    EXPECT_GE(source.held(), 4u);
    for (void* p : blocks) heap.free(p);
    EXPECT_EQ(source.held(), 1u);  // one page stays cached for the class
    EXPECT_EQ(heap.pages_held(), 1u);
}

TEST(Heap, ExhaustionReturnsNullAndRecovers) {
    MallocPageSource source(4);
    Heap heap(source);
    std::vector<void*> blocks;
    for (;;) {
        void* p = heap.allocate(1000);
        if (!p) break;
        blocks.push_back(p);
        ASSERT_LT(blocks.size(), 100u);
    }
    EXPECT_EQ(blocks.size(), 4u * 4);  // four 1008-byte blocks per page
    EXPECT_EQ(heap.allocate(3 * kPage), nullptr);
    EXPECT_EQ(heap.allocate(16), nullptr);
    heap.free(blocks.back());
    blocks.pop_back();
    EXPECT_NE(heap.allocate(1000), nullptr);  // the freed block comes back
    for (void* p : blocks) heap.free(p);
}

TEST(Heap, RandomAllocFreeKeepsEveryBlockIntact) {
    MallocPageSource source;
    Heap heap(source);
    std::mt19937_64 rng(99);
    std::vector<Block> live;
    for (int step = 0; step < 40000; ++step) {
        if (live.empty() || rng() % 3 != 0) {
            size_t size = rng() % 8 == 0 ? rng() % 20000 : rng() % 600;
            size_t align = size_t{16} << (rng() % 8 == 0 ? rng() % 8 : 0);
            auto* p = static_cast<uint8_t*>(heap.allocate(size, align));
            ASSERT_NE(p, nullptr);
            ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u);
            live.push_back({p, size, static_cast<uint8_t>(rng())});
            fill(live.back());
        } else {
            size_t pick = rng() % live.size();
            ASSERT_TRUE(intact(live[pick])) << "block of " << live[pick].size << " overwritten";
            heap.free(live[pick].pointer);
            live[pick] = live.back();
            live.pop_back();
        }
    }
    for (const Block& b : live) {
        ASSERT_TRUE(intact(b));
        heap.free(b.pointer);
    }
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_LE(source.held(), Heap::kClassCount);
}

TEST(HeapDeathTest, DoubleFreeOfSmallBlockPanics) {
    MallocPageSource source;
    Heap heap(source);
    void* keep = heap.allocate(64);  // keeps the page alive after the first free
    void* p = heap.allocate(64);
    heap.free(p);
    EXPECT_DEATH(heap.free(p), "double free");
    heap.free(keep);
}

TEST(HeapDeathTest, FreeingForeignMemoryPanics) {
    MallocPageSource source;
    Heap heap(source);
    auto* page = static_cast<uint8_t*>(source.allocate_pages(2));
    std::memset(page, 0, 2 * kPage);
    EXPECT_DEATH(heap.free(page + 64), "did not allocate");
    EXPECT_DEATH(heap.free(page + kPage), "did not allocate");
    source.free_pages(page, 2);
}

}  // namespace
}  // namespace ingot
