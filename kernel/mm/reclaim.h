// Memory that caches hold only while nobody else needs it. A cache (the ext2 block cache)
// grows into free memory and registers itself here; when a frame allocation finds no free run,
// allocate_frames() asks the caches to give memory back before it fails. This is how a disk
// cache may use most of RAM without taking it from the program (Linux's page cache does the
// same through its shrinkers).
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>

namespace ingot {

class ReclaimableMemory {
public:
    // Frees up to `pages` pages it holds to the page allocator and returns how many it freed.
    // Runs inside whatever allocation ran short, on any thread, possibly while another thread
    // is half-way through an operation on the cache (blocked for the disk): it must neither
    // allocate nor free kernel heap memory, and must keep what that operation uses.
    virtual size_t reclaim(size_t pages) = 0;
    // Pages reclaim() could free now (sysinfo's bufferram).
    virtual size_t reclaimable_pages() const = 0;

    ReclaimableMemory* next_reclaimable = nullptr;  // the registry's list; the registry's alone

protected:
    ~ReclaimableMemory() = default;
};

void add_reclaimable(ReclaimableMemory& memory);
void remove_reclaimable(ReclaimableMemory& memory);
size_t reclaimable_pages();

// `count` physically contiguous frames from physical_pages(), reclaiming cache memory first
// when no such run is free. ENOMEM when even that does not give one.
Result<uint64_t> allocate_frames(size_t count = 1);

// Free pages that caches leave alone: a cache stops growing, and shrinks at its next chance,
// when fewer are free, so that most allocations never wait for a reclaim. 1/32 of memory,
// at least 1 MiB.
size_t reserved_free_pages();
bool free_memory_low();

}  // namespace ingot
