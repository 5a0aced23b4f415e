// A tmpfs regular file: sparse 4 KiB pages kept in a vector sorted by page index. A page that
// was never written is a hole and reads as zeros (truncate(2): "the extended part reads as
// null bytes"), so growing a file with ftruncate or a write far past its end costs nothing
// until data lands there. Pages count against the file system's capacity (ENOSPC).
#pragma once

#include <fs/inode.h>

#include <cstdint>
#include <vector>

namespace ingot {

class RamFile final : public Inode {
public:
    static constexpr uint64_t kPageSize = 4096;

    RamFile(RefPtr<FileSystem> fs, uint32_t permissions);
    ~RamFile() override;

    uint64_t size() const override { return size_; }
    uint64_t allocated_bytes() const override { return pages_.size() * kPageSize; }
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    Result<void> truncate(uint64_t length) override;
    // Pages for the range, zeroed; with keep_size only up to the end of the file (pages past
    // it would be freed by the next truncation anyway).
    Result<void> allocate(uint64_t offset, uint64_t length, bool keep_size) override;
    Result<void> punch_hole(uint64_t offset, uint64_t length) override;

    // Pages never written are holes; size() when only holes follow (SEEK_DATA then fails).
    uint64_t next_data(uint64_t offset) const override;
    uint64_t next_hole(uint64_t offset) const override;

private:
    struct PageBytes {
        uint8_t bytes[kPageSize];
    };
    struct Page {
        uint64_t index;
        PageBytes* data;
    };
    // The page with this index, or null for a hole.
    uint8_t* find_page(uint64_t index) const;
    // The page with this index, allocating a zeroed one (ENOSPC when out of space or memory).
    Result<uint8_t*> page_for_write(uint64_t index);
    // Position of the first page whose index is >= index.
    size_t lower_bound(uint64_t index) const;
    // Frees the pages with indexes in [first_index, end_index).
    void free_pages(uint64_t first_index, uint64_t end_index = ~0ull);
    // Zeroes bytes [from, to) of the page holding them, if it exists (one page at most).
    void zero_in_page(uint64_t from, uint64_t to);

    std::vector<Page> pages_;
    uint64_t size_ = 0;
};

}  // namespace ingot
