#include <lib/align.h>
#include <mm/vma_map.h>

#include <algorithm>
#include <cstring>

namespace ingot {
namespace {

constexpr uint32_t kKnownProt = kProtRead | kProtWrite | kProtExec;

Vma make_vma(uint64_t start, uint64_t end, uint32_t prot, VmaKind kind, std::string_view name) {
    Vma vma;
    vma.start = start;
    vma.end = end;
    vma.prot = prot;
    vma.kind = kind;
    size_t length = std::min(name.size(), Vma::kNameCapacity);
    if (length > 0) memcpy(vma.name, name.data(), length);  // an empty view may be null
    vma.name[length] = '\0';
    return vma;
}

bool same_attributes(const Vma& a, const Vma& b) {
    return a.prot == b.prot && a.kind == b.kind && a.name_view() == b.name_view();
}

}  // namespace

// Index of the first region whose end lies above address (regions_.size() if none).
size_t VmaMap::first_ending_after(uint64_t address) const {
    auto it = std::partition_point(regions_.begin(), regions_.end(),
                                   [address](const Vma& r) { return r.end <= address; });
    return static_cast<size_t>(it - regions_.begin());
}

const Vma* VmaMap::find(uint64_t address) const {
    size_t i = first_ending_after(address);
    if (i < regions_.size() && regions_[i].start <= address) return &regions_[i];
    return nullptr;
}

bool VmaMap::range_is_free(uint64_t start, uint64_t end) const {
    size_t i = first_ending_after(start);
    return i == regions_.size() || regions_[i].start >= end;
}

Result<uint64_t> VmaMap::find_free(uint64_t size, uint64_t hint, uint64_t low_limit, uint64_t high_limit) const {
    if (size == 0) return Errno::EINVAL;
    auto length = checked_align_up(size, kPageSize);
    auto low = checked_align_up(low_limit, kPageSize);
    if (!length || !low) return Errno::ENOMEM;
    uint64_t high = align_down(std::min(high_limit, kUserLimit), kPageSize);
    if (*low >= high || *length > high - *low) return Errno::ENOMEM;

    if (hint != 0) {
        auto wanted = checked_align_up(hint, kPageSize);
        if (wanted && *wanted >= *low && *wanted <= high - *length && range_is_free(*wanted, *wanted + *length))
            return *wanted;
    }

    // Top-down: walk the gaps below `high`, highest first, and take the top of the first
    // one that is big enough (mm/mmap.c, unmapped_area_topdown).
    auto above = std::partition_point(regions_.begin(), regions_.end(),
                                      [high](const Vma& r) { return r.start < high; });
    size_t i = static_cast<size_t>(above - regions_.begin());
    uint64_t gap_end = high;
    for (;;) {
        uint64_t gap_start = i == 0 ? *low : std::max(regions_[i - 1].end, *low);
        if (gap_end > gap_start && gap_end - gap_start >= *length) return gap_end - *length;
        if (i == 0) break;
        gap_end = regions_[--i].start;
        if (gap_end <= *low) break;
    }
    return Errno::ENOMEM;
}

Result<void> VmaMap::map(uint64_t start, uint64_t len, uint32_t prot, VmaKind kind, std::string_view name,
                         std::vector<Vma>* removed) {
    if (len == 0 || !is_aligned(start, kPageSize) || (prot & ~kKnownProt)) return Errno::EINVAL;
    auto length = checked_align_up(len, kPageSize);
    if (!length || start > kUserLimit || *length > kUserLimit - start) return Errno::ENOMEM;
    uint64_t end = start + *length;
    remove_range(start, end, removed);
    size_t i = first_ending_after(start);
    regions_.insert(regions_.begin() + static_cast<ptrdiff_t>(i), make_vma(start, end, prot, kind, name));
    merge_around(i, i + 1);
    return {};
}

Result<void> VmaMap::unmap(uint64_t start, uint64_t len, std::vector<Vma>* removed) {
    if (!is_aligned(start, kPageSize) || start > kUserLimit || len > kUserLimit - start) return Errno::EINVAL;
    uint64_t length = align_up(len, kPageSize);  // cannot wrap: len <= kUserLimit
    if (length == 0) return Errno::EINVAL;
    remove_range(start, start + length, removed);
    return {};
}

Result<void> VmaMap::protect(uint64_t start, uint64_t len, uint32_t prot) {
    if (!is_aligned(start, kPageSize) || (prot & ~kKnownProt)) return Errno::EINVAL;
    if (len == 0) return {};
    auto length = checked_align_up(len, kPageSize);
    if (!length || *length > UINT64_MAX - start) return Errno::ENOMEM;
    uint64_t end = start + *length;
    // Every page must be mapped before anything changes (mprotect(2): ENOMEM).
    uint64_t covered = start;
    for (size_t i = first_ending_after(start); covered < end; ++i) {
        if (i == regions_.size() || regions_[i].start > covered) return Errno::ENOMEM;
        covered = regions_[i].end;
    }
    split_at(start);
    split_at(end);
    size_t first = first_ending_after(start);
    size_t last = first;
    for (; last < regions_.size() && regions_[last].start < end; ++last) regions_[last].prot = prot;
    merge_around(first, last);
    return {};
}

Result<void> VmaMap::resize_heap(uint64_t heap_start, uint64_t new_end, std::vector<Vma>* removed) {
    if (!is_aligned(heap_start, kPageSize) || !is_aligned(new_end, kPageSize) || new_end < heap_start)
        return Errno::EINVAL;
    if (new_end > kUserLimit) return Errno::ENOMEM;
    // The heap may have been split by mprotect: it is the run of contiguous Heap regions
    // starting at heap_start.
    uint64_t old_end = heap_start;
    for (size_t i = first_ending_after(heap_start);
         i < regions_.size() && regions_[i].start == old_end && regions_[i].kind == VmaKind::Heap; ++i)
        old_end = regions_[i].end;
    if (new_end > old_end) {
        if (!range_is_free(old_end, new_end)) return Errno::ENOMEM;
        size_t i = first_ending_after(old_end);
        regions_.insert(regions_.begin() + static_cast<ptrdiff_t>(i),
                        make_vma(old_end, new_end, kProtRead | kProtWrite, VmaKind::Heap, "[heap]"));
        merge_around(i, i + 1);
    } else if (new_end < old_end) {
        remove_range(new_end, old_end, removed);
    }
    return {};
}

// Splits the region that strictly contains address into [start, address) and [address, end).
void VmaMap::split_at(uint64_t address) {
    size_t i = first_ending_after(address);
    if (i == regions_.size() || regions_[i].start >= address) return;
    Vma upper = regions_[i];
    upper.start = address;
    regions_[i].end = address;
    regions_.insert(regions_.begin() + static_cast<ptrdiff_t>(i + 1), upper);
}

void VmaMap::remove_range(uint64_t start, uint64_t end, std::vector<Vma>* removed) {
    split_at(start);
    split_at(end);
    size_t first = first_ending_after(start);
    size_t last = first;
    while (last < regions_.size() && regions_[last].start < end) ++last;
    if (removed) removed->insert(removed->end(), regions_.begin() + static_cast<ptrdiff_t>(first),
                                 regions_.begin() + static_cast<ptrdiff_t>(last));
    regions_.erase(regions_.begin() + static_cast<ptrdiff_t>(first), regions_.begin() + static_cast<ptrdiff_t>(last));
}

// Merges touching regions with identical attributes among indices [first - 1, last].
void VmaMap::merge_around(size_t first, size_t last) {
    size_t lo = first > 0 ? first : 1;
    size_t hi = std::min(last, regions_.empty() ? 0 : regions_.size() - 1);
    for (size_t k = hi; k >= lo && k > 0; --k) {
        Vma& below = regions_[k - 1];
        if (below.end == regions_[k].start && same_attributes(below, regions_[k])) {
            below.end = regions_[k].end;
            regions_.erase(regions_.begin() + static_cast<ptrdiff_t>(k));
        }
    }
}

}  // namespace ingot
