#include <fs/fs_limits.h>
#include <fs/ram_file.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace ingot {

RamFile::RamFile(RefPtr<FileSystem> fs, uint32_t permissions)
    : Inode(InodeType::Regular, std::move(fs), permissions) {}

RamFile::~RamFile() { free_pages(0); }

size_t RamFile::lower_bound(uint64_t index) const {
    auto it = std::lower_bound(pages_.begin(), pages_.end(), index,
                               [](const Page& page, uint64_t i) { return page.index < i; });
    return static_cast<size_t>(it - pages_.begin());
}

uint8_t* RamFile::find_page(uint64_t index) const {
    size_t pos = lower_bound(index);
    return pos < pages_.size() && pages_[pos].index == index ? pages_[pos].data->bytes : nullptr;
}

Result<uint8_t*> RamFile::page_for_write(uint64_t index) {
    size_t pos = lower_bound(index);
    if (pos < pages_.size() && pages_[pos].index == index) return pages_[pos].data->bytes;
    TRY(fs().reserve_bytes(kPageSize));
    // A program's writes decide how much we allocate, so running out is its ENOSPC, as on
    // a full tmpfs, not a kernel panic.
    // (A local nothrow_t: the kernel runtime has nothrow operator new but no std::nothrow object.)
    auto* storage = new (std::nothrow_t{}) PageBytes;
    if (!storage) {
        fs().release_bytes(kPageSize);
        return Errno::ENOSPC;
    }
    memset(storage->bytes, 0, kPageSize);
    pages_.insert(pages_.begin() + static_cast<ptrdiff_t>(pos), Page{index, storage});
    return storage->bytes;
}

void RamFile::free_pages(uint64_t first_index, uint64_t end_index) {
    size_t pos = lower_bound(first_index), end = lower_bound(end_index);
    if (end <= pos) return;
    for (size_t i = pos; i < end; ++i) delete pages_[i].data;
    fs().release_bytes((end - pos) * kPageSize);
    pages_.erase(pages_.begin() + static_cast<ptrdiff_t>(pos), pages_.begin() + static_cast<ptrdiff_t>(end));
}

void RamFile::zero_in_page(uint64_t from, uint64_t to) {
    if (from >= to) return;
    if (uint8_t* page = find_page(from / kPageSize)) memset(page + from % kPageSize, 0, static_cast<size_t>(to - from));
}

Result<size_t> RamFile::read_at(uint64_t offset, IoBuffer& dst) {
    if (offset >= size_) return size_t{0};
    size_t count = static_cast<size_t>(std::min<uint64_t>(dst.size(), size_ - offset));
    size_t done = 0;
    while (done < count) {
        uint64_t position = offset + done;
        size_t in_page = static_cast<size_t>(position % kPageSize);
        size_t chunk = std::min<size_t>(kPageSize - in_page, count - done);
        const uint8_t* page = find_page(position / kPageSize);
        Result<void> copied = page ? dst.copy_to_buffer(done, page + in_page, chunk) : dst.zero_fill(done, chunk);
        if (!copied.ok()) {
            if (done > 0) break;  // read(2): a short count, then the fault on the next call
            return copied.error();
        }
        done += chunk;
    }
    return done;
}

Result<size_t> RamFile::write_at(uint64_t offset, IoBuffer& src) {
    size_t count = src.size();
    if (count == 0) return size_t{0};
    // write(2) EFBIG: nothing may land at or past the maximum file size.
    if (offset >= kMaxFileSize) return Errno::EFBIG;
    if (count > kMaxFileSize - offset) count = static_cast<size_t>(kMaxFileSize - offset);
    size_t done = 0;
    Errno failure = Errno{0};
    while (done < count) {
        uint64_t position = offset + done;
        size_t in_page = static_cast<size_t>(position % kPageSize);
        size_t chunk = std::min<size_t>(kPageSize - in_page, count - done);
        Result<uint8_t*> page = page_for_write(position / kPageSize);
        if (!page.ok()) {
            failure = page.error();
            break;
        }
        Result<void> copied = src.copy_from_buffer(done, page.value() + in_page, chunk);
        if (!copied.ok()) {
            failure = copied.error();
            break;
        }
        done += chunk;
    }
    if (done == 0) return failure;
    if (offset + done > size_) size_ = offset + done;
    touch_modified();
    return done;
}

Result<void> RamFile::truncate(uint64_t length) {
    if (length > kMaxFileSize) return Errno::EFBIG;
    if (length < size_) {
        free_pages((length + kPageSize - 1) / kPageSize);
        // Bytes past the new end in the last partial page must read as zeros if the file grows.
        if (length % kPageSize) zero_in_page(length, (length / kPageSize + 1) * kPageSize);
    }
    size_ = length;
    touch_modified();
    return {};
}

Result<void> RamFile::allocate(uint64_t offset, uint64_t length, bool keep_size) {
    if (offset > kMaxFileSize || length > kMaxFileSize - offset) return Errno::EFBIG;
    uint64_t end = offset + length;
    uint64_t last = keep_size && end > size_ ? size_ : end;
    // ENOSPC up front when the pages missing cannot all be had, instead of taking memory
    // page by page until it runs out.
    uint64_t first_index = offset / kPageSize, end_index = (last + kPageSize - 1) / kPageSize;
    if (first_index >= end_index) return {};
    uint64_t missing = end_index - first_index - (lower_bound(end_index) - lower_bound(first_index));
    uint64_t room = fs().capacity_bytes() ? (fs().capacity_bytes() - fs().used_bytes()) / kPageSize : UINT64_MAX;
    if (missing > room || missing > physical_pages().free_pages()) return Errno::ENOSPC;
    for (uint64_t index = first_index; index < end_index; ++index) {
        Result<uint8_t*> page = page_for_write(index);
        if (!page.ok()) {
            free_pages((size_ + kPageSize - 1) / kPageSize);  // none past the end stays behind
            return page.error();
        }
    }
    if (!keep_size && end > size_) size_ = end;
    touch_changed();
    return {};
}

Result<void> RamFile::punch_hole(uint64_t offset, uint64_t length) {
    uint64_t end = length > size_ - (offset < size_ ? offset : size_) ? size_ : offset + length;
    if (offset >= end) return {};
    // The partial pages at either end are zeroed, the whole pages between them freed.
    uint64_t first_whole = (offset + kPageSize - 1) / kPageSize, end_whole = end / kPageSize;
    zero_in_page(offset, std::min(end, first_whole * kPageSize));
    free_pages(first_whole, end_whole);
    zero_in_page(std::max(end_whole * kPageSize, offset), end);
    touch_modified();
    return {};
}

uint64_t RamFile::next_data(uint64_t offset) const {
    size_t pos = lower_bound(offset / kPageSize);
    if (pos == pages_.size()) return size_;
    uint64_t start = pages_[pos].index * kPageSize;
    return std::min(std::max(start, offset), size_);
}

uint64_t RamFile::next_hole(uint64_t offset) const {
    uint64_t index = offset / kPageSize;
    size_t pos = lower_bound(index);
    if (pos == pages_.size() || pages_[pos].index != index) return std::min(offset, size_);
    while (pos + 1 < pages_.size() && pages_[pos + 1].index == pages_[pos].index + 1) ++pos;
    return std::min((pages_[pos].index + 1) * kPageSize, size_);
}

}  // namespace ingot
