// A BlockDevice over a byte vector, for file-system tests: loaded from and saved to an image
// file, with counters and switches to check write-back and to inject device failures.
#pragma once

#include <block/block_device.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ingot {

class MemoryBlockDevice final : public BlockDevice {
public:
    explicit MemoryBlockDevice(std::vector<uint8_t> bytes, bool read_only = false);
    // The image file at path (an empty device when it cannot be read).
    static MemoryBlockDevice load(const std::string& path, bool read_only = false);
    // Writes the current contents to path; false on failure.
    bool save(const std::string& path) const;

    uint64_t sector_count() const override { return bytes_.size() / kSectorSize; }
    bool read_only() const override { return read_only_; }
    Result<void> read(uint64_t sector, std::span<uint8_t> buffer) override;
    Result<void> write(uint64_t sector, std::span<const uint8_t> buffer) override;
    Result<void> flush() override;
    Result<void> discard(uint64_t sector, uint64_t count) override;

    std::vector<uint8_t>& bytes() { return bytes_; }
    uint64_t writes() const { return writes_; }
    uint64_t flushes() const { return flushes_; }
    // When set, every read and write fails with EIO.
    void set_failing(bool failing) { failing_ = failing; }
    // Discarded sectors read as kDiscardPoison, so that a discard of a block still in use shows
    // as damage; without discard support (set_discard(false)) discard() says EOPNOTSUPP.
    static constexpr uint8_t kDiscardPoison = 0xD5;
    void set_discard(bool supported) { discard_supported_ = supported; }
    uint64_t discarded_sectors() const { return discarded_sectors_; }

private:
    bool in_range(uint64_t sector, size_t length) const;

    std::vector<uint8_t> bytes_;
    bool read_only_;
    bool failing_ = false;
    bool discard_supported_ = true;
    uint64_t writes_ = 0, flushes_ = 0, discarded_sectors_ = 0;
};

}  // namespace ingot
