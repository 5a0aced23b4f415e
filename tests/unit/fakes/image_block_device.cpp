#include "fakes/image_block_device.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace ingot::test {

ImageBlockDevice::ImageBlockDevice(std::vector<uint8_t> image, bool read_only)
    : image_(std::move(image)), durable_(image_), read_only_(read_only) {}

std::vector<uint8_t> ImageBlockDevice::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool ImageBlockDevice::save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(image_.data()), static_cast<std::streamsize>(image_.size()));
    return static_cast<bool>(out);
}

bool ImageBlockDevice::in_range(uint64_t sector, size_t bytes) const {
    return bytes % kSectorSize == 0 && sector <= sector_count() && bytes / kSectorSize <= sector_count() - sector;
}

Result<void> ImageBlockDevice::read(uint64_t sector, std::span<uint8_t> buffer) {
    if (!in_range(sector, buffer.size())) return Errno{EIO};
    std::memcpy(buffer.data(), image_.data() + sector * kSectorSize, buffer.size());
    return {};
}

Result<void> ImageBlockDevice::write(uint64_t sector, std::span<const uint8_t> buffer) {
    if (read_only_) return Errno{EROFS};
    if (!in_range(sector, buffer.size()) || writes_left_ == 0) return Errno{EIO};
    --writes_left_;
    ++writes_;
    uint64_t offset = sector * kSectorSize;
    std::memcpy(image_.data() + offset, buffer.data(), buffer.size());
    pending_.push_back(PendingWrite{offset, std::vector<uint8_t>(buffer.begin(), buffer.end())});
    return {};
}

// The power fails at the next write after the last one allowed: flushes before it still work.
Result<void> ImageBlockDevice::flush() {
    ++flushes_;
    for (const PendingWrite& write : pending_)
        std::memcpy(durable_.data() + write.offset, write.data.data(), write.data.size());
    pending_.clear();
    return {};
}

// Not counted as a write: crash points are numbered by the writes a commit needs, and a
// discard after the commit is advisory (its failure fails nothing).
Result<void> ImageBlockDevice::discard(uint64_t sector, uint64_t count) {
    if (read_only_) return Errno{EROFS};
    if (count > sector_count() || !in_range(sector, count * kSectorSize) || writes_left_ == 0) return Errno{EIO};
    uint64_t offset = sector * kSectorSize;
    std::memset(image_.data() + offset, kDiscardPoison, count * kSectorSize);
    pending_.push_back(PendingWrite{offset, std::vector<uint8_t>(count * kSectorSize, kDiscardPoison)});
    return {};
}

std::vector<uint8_t> ImageBlockDevice::after_power_loss(const std::function<bool(size_t)>& keep) const {
    std::vector<uint8_t> disk = durable_;
    for (size_t i = 0; i < pending_.size(); ++i) {
        if (keep(i)) std::memcpy(disk.data() + pending_[i].offset, pending_[i].data.data(), pending_[i].data.size());
    }
    return disk;
}

}  // namespace ingot::test
