#include "fakes/ext4_test_image.h"

#include "fakes/image_block_device.h"

#include <lib/crc32c.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <regex>
#include <sys/wait.h>

namespace ingot::test {

CommandResult run_command(const std::string& command) {
    CommandResult result{-1, {}};
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool Ext4TestImage::create(const std::string& path, const std::string& mke2fs_features) {
    path_ = path;
    CommandResult made = run_command("mke2fs -q -F -t ext4 -b 1024 -O " + mke2fs_features + " -J size=1 " + path + " 8M");
    EXPECT_EQ(made.exit_code, 0) << made.output;
    if (made.exit_code != 0) return false;
    std::vector<uint8_t> image = load();
    const uint8_t* sb = image.data() + 1024;
    uint32_t log_block_size;
    std::memcpy(&log_block_size, sb + 0x18, 4);
    block_size_ = 1024u << log_block_size;
    std::memcpy(uuid_, sb + 0x68, 16);
    // "(0-1):48-49, (2-16):51-65, (17-1023):579-1585"; index blocks show as (ETB0):N.
    CommandResult stat = run_command("debugfs -R 'stat <8>' " + path);
    std::regex extent(R"(\((\d+)(?:-(\d+))?\):(\d+))");
    for (std::sregex_iterator it(stat.output.begin(), stat.output.end(), extent), end; it != end; ++it) {
        uint64_t first = std::stoull((*it)[1]);
        uint64_t last = (*it)[2].matched ? std::stoull((*it)[2]) : first;
        extents_.push_back(Extent{first, std::stoull((*it)[3]), last - first + 1});
        journal_blocks_ = std::max(journal_blocks_, last + 1);
    }
    EXPECT_GT(journal_blocks_, 0u) << stat.output;
    return journal_blocks_ > 0;
}

std::vector<uint8_t> Ext4TestImage::load() const { return ImageBlockDevice::load_file(path_); }

Result<uint64_t> Ext4TestImage::map_journal_block(uint64_t logical) const {
    for (const Extent& extent : extents_) {
        if (logical >= extent.logical && logical < extent.logical + extent.length)
            return extent.physical + (logical - extent.logical);
    }
    return Errno{EIO};
}

std::vector<uint64_t> Ext4TestImage::free_blocks(unsigned count, uint64_t goal) const {
    CommandResult found = run_command("debugfs -R 'ffb " + std::to_string(count) + " " + std::to_string(goal) + "' " + path_);
    std::vector<uint64_t> blocks;
    std::smatch match;
    std::string text = found.output;
    std::regex list(R"(Free blocks found: ([0-9 ]+))");
    if (std::regex_search(text, match, list)) {
        std::string numbers = match[1];
        size_t pos = 0;
        while (pos < numbers.size()) {
            size_t next = numbers.find(' ', pos);
            if (next == std::string::npos) next = numbers.size();
            if (next > pos) blocks.push_back(std::stoull(numbers.substr(pos, next - pos)));
            pos = next + 1;
        }
    }
    EXPECT_EQ(blocks.size(), count) << found.output;
    return blocks;
}

void set_needs_recovery(std::vector<uint8_t>& image) {
    uint8_t* sb = image.data() + 1024;
    sb[0x60] |= 0x4;  // EXT3_FEATURE_INCOMPAT_RECOVER (little-endian s_feature_incompat)
    uint32_t ro_compat;
    std::memcpy(&ro_compat, sb + 0x64, 4);
    if (ro_compat & 0x400) {  // metadata_csum: s_checksum is crc32c of the first 1020 bytes
        uint32_t checksum = crc32c_update(~0u, sb, 1020);
        std::memcpy(sb + 0x3FC, &checksum, 4);
    }
}

}  // namespace ingot::test
