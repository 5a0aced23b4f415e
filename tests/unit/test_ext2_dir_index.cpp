// The pieces of an ext2 directory's in-memory index, checked against plain containers under
// random operations: the name table (positions by hash), the block room tree (first block
// with enough room) and the cache that keeps the indexes of dropped directory objects.
#include <fs/ext2/dir_index.h>
#include <fs/ext2/dir_index_cache.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace ingot::ext2 {
namespace {

std::multiset<uint32_t> candidates_of(const DirNameTable& table, uint32_t hash) {
    std::multiset<uint32_t> found;
    DirNameTable::Candidates candidates = table.candidates(hash);
    for (uint32_t position; candidates.next(position);) found.insert(position);
    return found;
}

TEST(Ext2DirNameTable, HashesDependOnEveryByte) {
    EXPECT_NE(DirNameTable::hash("entry-1"), DirNameTable::hash("entry-2"));
    EXPECT_NE(DirNameTable::hash("ab"), DirNameTable::hash("ba"));
    EXPECT_EQ(DirNameTable::hash("same"), DirNameTable::hash(std::string("same")));
}

TEST(Ext2DirNameTable, EmptyTableHasNoCandidates) {
    DirNameTable table;
    EXPECT_TRUE(candidates_of(table, 7).empty());
    table.erase(7, 12);  // harmless
    EXPECT_EQ(table.memory_bytes(), 0u);
}

TEST(Ext2DirNameTable, MatchesAPlainListUnderRandomInsertsAndErasures) {
    // Few distinct hashes, so that probes run through colliding and erased slots.
    std::mt19937 random(12345);
    DirNameTable table;
    std::vector<std::pair<uint32_t, uint32_t>> model;  // (hash, position)
    uint32_t next_position = 0;
    for (int step = 0; step < 20000; ++step) {
        if (model.empty() || random() % 3 != 0) {
            uint32_t hash = random() % 2000;
            ASSERT_TRUE(table.reserve_one().ok());
            table.insert(hash, next_position);
            model.emplace_back(hash, next_position);
            next_position += 4;
        } else {
            size_t victim = random() % model.size();
            table.erase(model[victim].first, model[victim].second);
            model[victim] = model.back();
            model.pop_back();
        }
    }
    std::map<uint32_t, std::multiset<uint32_t>> expected;
    for (auto [hash, position] : model) expected[hash].insert(position);
    for (uint32_t hash = 0; hash < 2000; ++hash) ASSERT_EQ(candidates_of(table, hash), expected[hash]) << hash;
}

TEST(Ext2DirNameTable, ShrinksWhenErasuresEmptiedIt) {
    DirNameTable table;
    for (uint32_t i = 0; i < 10000; ++i) {
        ASSERT_TRUE(table.reserve_one().ok());
        table.insert(i * 7919, i * 4);
    }
    size_t full = table.memory_bytes();
    for (uint32_t i = 0; i < 10000; ++i) table.erase(i * 7919, i * 4);
    // Insert and erase one entry at a time: erased slots fill the table until a clean-up.
    for (uint32_t i = 0; i < 60000; ++i) {
        ASSERT_TRUE(table.reserve_one().ok());
        table.insert(i, 40000 + i * 4);
        table.erase(i, 40000 + i * 4);
    }
    EXPECT_LT(table.memory_bytes(), full);
    EXPECT_TRUE(candidates_of(table, 0).empty());
}

TEST(Ext2BlockRoomTree, FirstFitIsTheFirstBlockALinearScanWouldPick) {
    std::mt19937 random(777);
    BlockRoomTree tree;
    std::vector<uint32_t> model;
    EXPECT_EQ(tree.first_fit(12), 0u);  // size() of an empty tree
    for (int step = 0; step < 20000; ++step) {
        if (model.empty() || random() % 4 == 0) {
            ASSERT_TRUE(tree.reserve(model.size() + 1).ok());
            uint32_t room = random() % 1025;
            tree.push_back(room);
            model.push_back(room);
        } else {
            size_t block = random() % model.size();
            uint32_t room = random() % 1025;
            tree.set(block, room);
            model[block] = room;
        }
        uint32_t need = 12 + random() % 264;
        size_t expected = std::find_if(model.begin(), model.end(), [&](uint32_t r) { return r >= need; }) - model.begin();
        ASSERT_EQ(tree.first_fit(need), expected) << step;
    }
    EXPECT_EQ(tree.size(), model.size());
}

DirIndex* index_with_blocks(size_t blocks) {
    auto* index = new DirIndex;
    EXPECT_TRUE(index->room.reserve(blocks).ok());
    for (size_t b = 0; b < blocks; ++b) index->room.push_back(0);
    return index;
}

TEST(Ext2DirIndexCache, KeepsParkedIndexesUntilTakenBack) {
    DirIndexCache cache;
    DirIndex* index = index_with_blocks(8);
    cache.park(11, index);
    EXPECT_EQ(cache.take(12), nullptr);
    EXPECT_EQ(cache.take(11), index);
    EXPECT_EQ(cache.take(11), nullptr);  // taken: the caller owns it now
    delete index;
}

TEST(Ext2DirIndexCache, SmallDirectoriesAreNotKept) {
    DirIndexCache cache;
    cache.park(11, index_with_blocks(DirIndexCache::kMinBlocks - 1));
    EXPECT_EQ(cache.take(11), nullptr);
}

TEST(Ext2DirIndexCache, DiscardForgetsAFreedDirectory) {
    DirIndexCache cache;
    cache.park(11, index_with_blocks(8));
    cache.discard(11);
    EXPECT_EQ(cache.take(11), nullptr);
}

TEST(Ext2DirIndexCache, TheLeastRecentlyParkedGoFirst) {
    DirIndexCache cache;
    for (uint32_t ino = 100; ino < 100 + DirIndexCache::kSlots + 3; ++ino) cache.park(ino, index_with_blocks(8));
    for (uint32_t ino = 100; ino < 103; ++ino) EXPECT_EQ(cache.take(ino), nullptr) << ino;
    for (uint32_t ino = 103; ino < 100 + DirIndexCache::kSlots + 3; ++ino) {
        DirIndex* index = cache.take(ino);
        EXPECT_NE(index, nullptr) << ino;
        delete index;
    }
}

TEST(Ext2DirIndexCache, StaysWithinItsMemoryBudget) {
    // Indexes a little over a quarter of the budget each (a tree of 2 * blocks uint32_t and
    // the DirIndex itself): the cache holds three.
    size_t blocks = DirIndexCache::kBudgetBytes / 4 / (2 * sizeof(uint32_t));
    DirIndexCache cache;
    for (uint32_t ino = 100; ino < 104; ++ino) cache.park(ino, index_with_blocks(blocks));
    int kept = 0;
    for (uint32_t ino = 100; ino < 104; ++ino) {
        DirIndex* index = cache.take(ino);
        kept += index != nullptr;
        delete index;
    }
    EXPECT_EQ(kept, 3);
    cache.park(200, index_with_blocks(2 * DirIndexCache::kBudgetBytes / (2 * sizeof(uint32_t))));
    EXPECT_EQ(cache.take(200), nullptr);  // larger than the whole budget
}

}  // namespace
}  // namespace ingot::ext2
