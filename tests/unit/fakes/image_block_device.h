// A BlockDevice over a disk image held in memory (loaded from and saved to a file), with a
// volatile write cache that can lose power: reads see every write, a flush makes the writes
// before it durable, and after a chosen number of writes the power fails (later writes get
// EIO; flushes up to then still count) so a test can look at what a crash at that moment
// leaves on the disk. A discard leaves kDiscardPoison bytes (an unflushed write, though not
// counted among the writes), so that discarding a block still in use shows as damage.
#pragma once

#include <block/block_device.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ingot::test {

class ImageBlockDevice : public BlockDevice {
public:
    explicit ImageBlockDevice(std::vector<uint8_t> image, bool read_only = false);
    // Loads a whole image file (an empty image when it cannot be read).
    static std::vector<uint8_t> load_file(const std::string& path);
    // Writes the image as reads see it to path; false on failure.
    bool save(const std::string& path) const;

    uint64_t sector_count() const override { return image_.size() / kSectorSize; }
    bool read_only() const override { return read_only_; }
    Result<void> read(uint64_t sector, std::span<uint8_t> buffer) override;
    Result<void> write(uint64_t sector, std::span<const uint8_t> buffer) override;
    Result<void> flush() override;
    Result<void> discard(uint64_t sector, uint64_t count) override;

    static constexpr uint8_t kDiscardPoison = 0xD5;

    // The image as reads see it.
    const std::vector<uint8_t>& image() const { return image_; }
    // The power fails once `writes` more writes have been accepted: the next write gets EIO.
    void fail_after_writes(uint64_t writes) { writes_left_ = writes; }
    uint64_t writes() const { return writes_; }
    uint64_t flushes() const { return flushes_; }
    // What the disk holds after the power failed now: the flushed contents plus those
    // unflushed writes (numbered in order from 0) for which keep returns true.
    std::vector<uint8_t> after_power_loss(const std::function<bool(size_t)>& keep) const;

private:
    struct PendingWrite {
        uint64_t offset;
        std::vector<uint8_t> data;
    };
    bool in_range(uint64_t sector, size_t bytes) const;

    std::vector<uint8_t> image_;
    std::vector<uint8_t> durable_;
    std::vector<PendingWrite> pending_;
    bool read_only_;
    uint64_t writes_ = 0;
    uint64_t flushes_ = 0;
    uint64_t writes_left_ = UINT64_MAX;
};

}  // namespace ingot::test
