#include "fakes/memory_block_device.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace ingot {

MemoryBlockDevice::MemoryBlockDevice(std::vector<uint8_t> bytes, bool read_only)
    : bytes_(std::move(bytes)), read_only_(read_only) {
    bytes_.resize(bytes_.size() / kSectorSize * kSectorSize);
}

MemoryBlockDevice MemoryBlockDevice::load(const std::string& path, bool read_only) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return MemoryBlockDevice(std::move(bytes), read_only);
}

bool MemoryBlockDevice::save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes_.data()), static_cast<std::streamsize>(bytes_.size()));
    return static_cast<bool>(out);
}

bool MemoryBlockDevice::in_range(uint64_t sector, size_t length) const {
    if (length % kSectorSize) return false;
    uint64_t sectors = length / kSectorSize;
    return sector <= sector_count() && sectors <= sector_count() - sector;
}

Result<void> MemoryBlockDevice::read(uint64_t sector, std::span<uint8_t> buffer) {
    if (failing_ || !in_range(sector, buffer.size())) return Errno{EIO};
    memcpy(buffer.data(), &bytes_[sector * kSectorSize], buffer.size());
    return {};
}

Result<void> MemoryBlockDevice::write(uint64_t sector, std::span<const uint8_t> buffer) {
    if (read_only_) return Errno{EROFS};
    if (failing_ || !in_range(sector, buffer.size())) return Errno{EIO};
    memcpy(&bytes_[sector * kSectorSize], buffer.data(), buffer.size());
    ++writes_;
    return {};
}

Result<void> MemoryBlockDevice::flush() {
    if (failing_) return Errno{EIO};
    ++flushes_;
    return {};
}

Result<void> MemoryBlockDevice::discard(uint64_t sector, uint64_t count) {
    if (!discard_supported_) return Errno{EOPNOTSUPP};
    if (read_only_) return Errno{EROFS};
    if (failing_ || count > sector_count() || !in_range(sector, count * kSectorSize)) return Errno{EIO};
    memset(&bytes_[sector * kSectorSize], kDiscardPoison, count * kSectorSize);
    discarded_sectors_ += count;
    return {};
}

}  // namespace ingot
