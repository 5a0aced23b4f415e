// Replays the network receive fuzzer's corpus (tests/fuzz/corpus/network_receive: the seeds
// from make_seed_corpus.py and inputs the fuzzer kept) through the same harness, so every
// path the fuzzer once reached stays free of crashes, hangs and malformed transmissions in
// the ordinary unit-test build. The harness aborts on a bad transmitted frame.
#include "../fuzz/network_receive_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ingot {
namespace {

std::vector<std::filesystem::path> corpus_files() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(INGOT_FUZZ_CORPUS_DIR))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(NetFuzzCorpus, EveryInputRunsToCompletion) {
    const auto files = corpus_files();
    ASSERT_GT(files.size(), 0u) << "no corpus in " << INGOT_FUZZ_CORPUS_DIR;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const std::vector<uint8_t> input = read_file(file);
        fuzz::feed_network_input(input);
    }
}

TEST(NetFuzzCorpus, HandMadeSeedsArePresent) {
    const auto files = corpus_files();
    const auto seeds = std::count_if(files.begin(), files.end(), [](const std::filesystem::path& path) {
        return path.filename().string().rfind("seed-", 0) == 0;
    });
    EXPECT_GE(seeds, 10) << "regenerate them with tests/fuzz/make_seed_corpus.py";
}

// Inputs cut at every length still run: the last record may end anywhere.
TEST(NetFuzzCorpus, TruncatedInputsRunToCompletion) {
    for (const auto& file : corpus_files()) {
        SCOPED_TRACE(file.filename().string());
        const std::vector<uint8_t> input = read_file(file);
        for (size_t length = 0; length < std::min<size_t>(input.size(), 64); ++length)
            fuzz::feed_network_input(std::span<const uint8_t>(input).first(length));
    }
}

}  // namespace
}  // namespace ingot
