// Replays the ext2 image fuzzer's corpus (tests/fuzz/corpus/ext2_image: tiny mke2fs images
// and inputs the fuzzer kept) through its harness, plus mutations of each seed made here, so
// the driver's handling of damaged images is exercised in every unit-test run.
#include "../fuzz/ext2_image_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace ingot {
namespace {

// The corpus files, or only the seed images (seed-*, from make_ext2_seed_corpus.sh).
std::vector<std::vector<uint8_t>> corpus(bool seeds_only = false) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(INGOT_EXT2_FUZZ_CORPUS_DIR))
        if (entry.is_regular_file() && (!seeds_only || entry.path().filename().string().starts_with("seed-")))
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<std::vector<uint8_t>> inputs;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return inputs;
}

TEST(Ext2FuzzCorpus, EveryInputRunsToCompletion) {
    auto inputs = corpus();
    ASSERT_GE(inputs.size(), 2u);
    for (const auto& input : inputs) fuzz::run_ext2_image(input);
}

TEST(Ext2FuzzCorpus, EverySeedMounts) {
    // A seed the driver refuses would leave the fuzzer only the mount checks to explore.
    auto seeds = corpus(true);
    ASSERT_GE(seeds.size(), 8u);
    for (size_t i = 0; i < seeds.size(); ++i) EXPECT_TRUE(fuzz::run_ext2_image(seeds[i])) << "seed " << i;
}

TEST(Ext2FuzzCorpus, DamagedSeedsRunToCompletion) {
    // Deterministic damage: runs of metadata bytes (superblock, descriptors, bitmaps, inode
    // tables, the first directory blocks) overwritten with patterns.
    uint32_t state = 12345;
    auto next = [&state] { return state = state * 1103515245u + 12345u; };
    for (const auto& seed : corpus()) {
        for (int round = 0; round < 200; ++round) {
            std::vector<uint8_t> image = seed;
            size_t metadata = std::min<size_t>(image.size(), 48 * 1024);
            for (int hit = 0; hit < 4; ++hit) {
                size_t at = next() % metadata;
                size_t length = 1 + next() % 16;
                uint8_t value = static_cast<uint8_t>(next() >> 8);
                for (size_t i = at; i < at + length && i < image.size(); ++i) image[i] = (round & 1) ? value : image[i] ^ value;
            }
            fuzz::run_ext2_image(image);
        }
    }
}

}  // namespace
}  // namespace ingot
