#include <mm/frame_sharing.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <vector>

namespace ingot {
namespace {

// Extra mappers per frame number, grown on demand to the highest frame ever shared.
std::vector<uint32_t>& extra_mappers() {
    static std::vector<uint32_t> counts;
    return counts;
}

}  // namespace

Result<void> frame_add_sharer(uint64_t phys) {
    std::vector<uint32_t>& counts = extra_mappers();
    uint64_t frame = phys / kPageSize;
    if (frame >= counts.size()) {
        // Reserve in large steps: a fork shares thousands of frames one by one.
        size_t wanted = frame + 1 > counts.size() * 2 ? frame + 1 : counts.size() * 2;
        counts.resize(wanted, 0);
    }
    ++counts[frame];
    return {};
}

bool frame_is_shared(uint64_t phys) {
    const std::vector<uint32_t>& counts = extra_mappers();
    uint64_t frame = phys / kPageSize;
    return frame < counts.size() && counts[frame] > 0;
}

void frame_release(uint64_t phys) {
    std::vector<uint32_t>& counts = extra_mappers();
    uint64_t frame = phys / kPageSize;
    if (frame < counts.size() && counts[frame] > 0) {
        --counts[frame];
        return;
    }
    physical_pages().free(phys);
}

}  // namespace ingot
