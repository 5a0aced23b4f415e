// A read-only regular file whose bytes stay where the image put them: a file of the root
// archive (zero copy: the data points into the cpio archive) or the program itself; or a file
// the kernel writes itself (/etc/resolv.conf), which owns its bytes.
#pragma once

#include <fs/inode.h>

#include <cstdint>
#include <span>
#include <vector>

namespace ingot {

class StaticFile final : public Inode {
public:
    StaticFile(RefPtr<FileSystem> fs, uint32_t permissions, std::span<const uint8_t> data);
    StaticFile(RefPtr<FileSystem> fs, uint32_t permissions, std::vector<uint8_t> owned);

    uint64_t size() const override { return data_.size(); }
    uint64_t allocated_bytes() const override { return data_.size(); }
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    // Writes and truncation never reach here: the file system is read-only (EROFS upstream).
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    Result<void> truncate(uint64_t length) override;

    // Replaces the contents (the archive's later hard link of the same file carries the data).
    void set_data(std::span<const uint8_t> data) { data_ = data; }
    std::span<const uint8_t> data() const { return data_; }

private:
    std::vector<uint8_t> owned_;  // empty unless the file owns its bytes
    std::span<const uint8_t> data_;
};

}  // namespace ingot
