// The physical page allocator: one bit per 4 KiB frame below max_phys, in storage the caller
// carves out of free RAM at boot (before any heap exists). Every frame starts reserved; the
// boot code frees the RAM ranges of the memory map and then reserves what the kernel, the
// image and the bitmap itself occupy.
//
// Two bitmaps share the storage: `available` (free to hand out) and `allocated` (handed out by
// allocate()). A frame in neither is reserved. Keeping both lets free() tell a double free
// from a free of reserved memory; either one is a kernel bug and panics.
//
// Not thread-safe: callers serialise.
#pragma once

#include <lib/result.h>
#include <mm/physical_memory.h>

#include <cstddef>
#include <cstdint>

namespace ingot {

class PageAllocator {
public:
    // Bytes of storage (8-byte aligned) that init() needs to track frames below max_phys.
    static size_t bitmap_bytes_for(uint64_t max_phys);

    // An empty allocator that owns no frames; every allocate() fails until init().
    PageAllocator() = default;
    PageAllocator(const PageAllocator&) = delete;
    PageAllocator& operator=(const PageAllocator&) = delete;

    // Tracks frames [0, max_phys / 4 KiB) in storage, all reserved. Panics if storage is
    // smaller than bitmap_bytes_for(max_phys) or not 8-byte aligned.
    void init(void* storage, size_t storage_bytes, uint64_t max_phys);

    // Makes the whole frames inside [base, base+size) free (rounds inward). Only reserved
    // frames change; allocated frames and the part beyond max_phys are left alone.
    void add_free_range(uint64_t base, uint64_t size);

    // Reserves every frame touching [base, base+size) (rounds outward). Only free frames
    // change; allocated frames stay allocated until freed.
    void reserve_range(uint64_t base, uint64_t size);

    // Allocates `count` physically contiguous frames and returns the address of the first.
    // EINVAL for count 0, ENOMEM when no run of that length is free.
    Result<uint64_t> allocate(size_t count = 1);

    // Returns `count` frames starting at phys, which allocate() handed out. Panics on a
    // misaligned address, a double free, or a frame that was never allocated.
    void free(uint64_t phys, size_t count = 1);

    // True when the frame containing phys is free.
    bool is_free(uint64_t phys) const;

    // Frames free now.
    size_t free_pages() const { return free_frames_; }
    // Frames under management: free plus allocated (reserved frames are not counted).
    size_t total_pages() const { return free_frames_ + allocated_frames_; }

private:
    enum class RangeChange { Free, Reserve };
    void change_range(uint64_t first_frame, uint64_t end_frame, RangeChange change);
    bool find_run(uint64_t from, uint64_t to, size_t count, uint64_t& found) const;
    uint64_t next_available(uint64_t from, uint64_t to) const;
    uint64_t next_unavailable(uint64_t from, uint64_t to) const;

    uint64_t* available_ = nullptr;
    uint64_t* allocated_ = nullptr;
    uint64_t frame_count_ = 0;
    uint64_t word_count_ = 0;
    uint64_t cursor_ = 0;  // next-fit: the frame after the last allocation
    size_t free_frames_ = 0;
    size_t allocated_frames_ = 0;
};

}  // namespace ingot
