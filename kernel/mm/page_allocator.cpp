#include <lib/panic.h>
#include <mm/page_allocator.h>

#include <bit>
#include <limits>

namespace ingot {
namespace {

constexpr uint64_t kBitsPerWord = 64;

uint64_t words_for(uint64_t frames) { return (frames + kBitsPerWord - 1) / kBitsPerWord; }

// Bits [first, end) of word number `word`, as a mask (first < end within a bitmap).
uint64_t word_mask(uint64_t word, uint64_t first, uint64_t end) {
    uint64_t lo = word * kBitsPerWord;
    uint64_t from = first > lo ? first - lo : 0;
    uint64_t to = end < lo + kBitsPerWord ? end - lo : kBitsPerWord;
    uint64_t upper = to == kBitsPerWord ? ~0ull : (1ull << to) - 1;
    return upper & ~((1ull << from) - 1);
}

// Calls apply(word_index, mask) for every word overlapping the frame range [first, end).
template <typename Apply>
void for_each_word(uint64_t first, uint64_t end, Apply apply) {
    if (first >= end) return;
    for (uint64_t w = first / kBitsPerWord; w <= (end - 1) / kBitsPerWord; ++w) apply(w, word_mask(w, first, end));
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
    return b > std::numeric_limits<uint64_t>::max() - a ? std::numeric_limits<uint64_t>::max() : a + b;
}

}  // namespace

size_t PageAllocator::bitmap_bytes_for(uint64_t max_phys) {
    return 2 * words_for(max_phys / kPageSize) * sizeof(uint64_t);
}

void PageAllocator::init(void* storage, size_t storage_bytes, uint64_t max_phys) {
    size_t needed = bitmap_bytes_for(max_phys);
    if (storage_bytes < needed)
        panic("page allocator: %zu bytes of bitmap storage, %zu needed", storage_bytes, needed);
    if (reinterpret_cast<uintptr_t>(storage) % alignof(uint64_t) != 0)
        panic("page allocator: bitmap storage %p is not 8-byte aligned", storage);
    frame_count_ = max_phys / kPageSize;
    word_count_ = words_for(frame_count_);
    available_ = static_cast<uint64_t*>(storage);
    allocated_ = available_ + word_count_;
    for (uint64_t w = 0; w < 2 * word_count_; ++w) available_[w] = 0;
    cursor_ = 0;
    free_frames_ = 0;
    allocated_frames_ = 0;
}

void PageAllocator::add_free_range(uint64_t base, uint64_t size) {
    uint64_t first = base / kPageSize + (base % kPageSize != 0);
    uint64_t end = saturating_add(base, size) / kPageSize;
    change_range(first, end < frame_count_ ? end : frame_count_, RangeChange::Free);
}

void PageAllocator::reserve_range(uint64_t base, uint64_t size) {
    uint64_t first = base / kPageSize;
    uint64_t limit = saturating_add(base, size);
    uint64_t end = limit / kPageSize + (limit % kPageSize != 0);
    change_range(first, end < frame_count_ ? end : frame_count_, RangeChange::Reserve);
}

void PageAllocator::change_range(uint64_t first, uint64_t end, RangeChange change) {
    for_each_word(first, end, [&](uint64_t w, uint64_t mask) {
        if (change == RangeChange::Free) {
            uint64_t newly_free = mask & ~available_[w] & ~allocated_[w];
            available_[w] |= newly_free;
            free_frames_ += std::popcount(newly_free);
        } else {
            uint64_t newly_reserved = mask & available_[w];
            available_[w] &= ~newly_reserved;
            free_frames_ -= std::popcount(newly_reserved);
        }
    });
}

// The first available frame in [from, to), or `to` when there is none.
uint64_t PageAllocator::next_available(uint64_t from, uint64_t to) const {
    if (from >= to) return to;
    uint64_t w = from / kBitsPerWord;
    uint64_t bits = available_[w] & (~0ull << (from % kBitsPerWord));
    while (bits == 0) {
        if (++w * kBitsPerWord >= to) return to;
        bits = available_[w];
    }
    uint64_t frame = w * kBitsPerWord + std::countr_zero(bits);
    return frame < to ? frame : to;
}

// The first unavailable frame in [from, to), or `to` when all of them are available.
uint64_t PageAllocator::next_unavailable(uint64_t from, uint64_t to) const {
    if (from >= to) return to;
    uint64_t w = from / kBitsPerWord;
    uint64_t bits = ~available_[w] & (~0ull << (from % kBitsPerWord));
    while (bits == 0) {
        if (++w * kBitsPerWord >= to) return to;
        bits = ~available_[w];
    }
    uint64_t frame = w * kBitsPerWord + std::countr_zero(bits);
    return frame < to ? frame : to;
}

// Finds the first run of `count` available frames that starts in [from, to) and ends by `to`.
bool PageAllocator::find_run(uint64_t from, uint64_t to, size_t count, uint64_t& found) const {
    uint64_t pos = from;
    while (pos < to) {
        uint64_t start = next_available(pos, to);
        if (start >= to || to - start < count) return false;
        uint64_t run_end = next_unavailable(start, start + count);
        if (run_end == start + count) {
            found = start;
            return true;
        }
        pos = run_end;
    }
    return false;
}

Result<uint64_t> PageAllocator::allocate(size_t count) {
    if (count == 0) return Errno::EINVAL;
    if (count > free_frames_) return Errno::ENOMEM;
    // Next fit: continue after the previous allocation, then wrap around once.
    uint64_t start;
    if (!find_run(cursor_, frame_count_, count, start) && !find_run(0, frame_count_, count, start))
        return Errno::ENOMEM;
    for_each_word(start, start + count, [&](uint64_t w, uint64_t mask) {
        available_[w] &= ~mask;
        allocated_[w] |= mask;
    });
    free_frames_ -= count;
    allocated_frames_ += count;
    cursor_ = start + count < frame_count_ ? start + count : 0;
    return start * kPageSize;
}

void PageAllocator::free(uint64_t phys, size_t count) {
    if (count == 0) return;
    if (phys % kPageSize != 0) panic("page allocator: freeing misaligned address 0x%lx", phys);
    uint64_t first = phys / kPageSize;
    if (first >= frame_count_ || count > frame_count_ - first)
        panic("page allocator: freeing 0x%lx (+%zu pages) beyond the managed memory", phys, count);
    uint64_t end = first + count;
    for_each_word(first, end, [&](uint64_t w, uint64_t mask) {
        if (uint64_t doubly = mask & available_[w])
            panic("page allocator: double free of page 0x%lx",
                  (w * kBitsPerWord + std::countr_zero(doubly)) * kPageSize);
        if (uint64_t reserved = mask & ~allocated_[w])
            panic("page allocator: freeing reserved page 0x%lx",
                  (w * kBitsPerWord + std::countr_zero(reserved)) * kPageSize);
    });
    for_each_word(first, end, [&](uint64_t w, uint64_t mask) {
        allocated_[w] &= ~mask;
        available_[w] |= mask;
    });
    allocated_frames_ -= count;
    free_frames_ += count;
}

bool PageAllocator::is_free(uint64_t phys) const {
    uint64_t frame = phys / kPageSize;
    if (frame >= frame_count_) return false;
    return (available_[frame / kBitsPerWord] >> (frame % kBitsPerWord)) & 1;
}

}  // namespace ingot
