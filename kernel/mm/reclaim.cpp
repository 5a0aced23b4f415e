#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

namespace ingot {
namespace {

ReclaimableMemory* caches = nullptr;

// Pages asked of the caches at a time: one allocation that ran short is usually followed by
// more, which then find free pages again.
constexpr size_t kReclaimBatchPages = 64;

}  // namespace

void add_reclaimable(ReclaimableMemory& memory) {
    memory.next_reclaimable = caches;
    caches = &memory;
}

void remove_reclaimable(ReclaimableMemory& memory) {
    for (ReclaimableMemory** link = &caches; *link; link = &(*link)->next_reclaimable) {
        if (*link == &memory) {
            *link = memory.next_reclaimable;
            memory.next_reclaimable = nullptr;
            return;
        }
    }
}

size_t reclaimable_pages() {
    size_t pages = 0;
    for (ReclaimableMemory* c = caches; c; c = c->next_reclaimable) pages += c->reclaimable_pages();
    return pages;
}

Result<uint64_t> allocate_frames(size_t count) {
    for (;;) {
        Result<uint64_t> frames = physical_pages().allocate(count);
        if (frames.ok() || frames.error() != Errno::ENOMEM) return frames;
        // Freed frames lie where the caches had them: a run of `count` may need several rounds.
        size_t wanted = count > kReclaimBatchPages ? count : kReclaimBatchPages;
        size_t freed = 0;
        for (ReclaimableMemory* c = caches; c && freed < wanted; c = c->next_reclaimable)
            freed += c->reclaim(wanted - freed);
        if (freed == 0) return Errno::ENOMEM;
    }
}

size_t reserved_free_pages() {
    size_t pages = physical_pages().total_pages() / 32;
    constexpr size_t kMinPages = (1u << 20) / kPageSize;
    return pages < kMinPages ? kMinPages : pages;
}

bool free_memory_low() { return physical_pages().free_pages() < reserved_free_pages(); }

}  // namespace ingot
