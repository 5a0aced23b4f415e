#include <fs/ext2/freed_blocks.h>

namespace ingot::ext2 {

size_t FreedBlocks::position(uint64_t block) const {
    size_t lo = 0, hi = runs_.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (runs_[mid].end <= block) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void FreedBlocks::add(uint64_t first, uint64_t count) {
    if (count == 0) return;
    uint64_t end = first + count;
    // Frees usually extend the last run (a file's blocks in order).
    if (!runs_.empty() && runs_.back().end == first) {
        runs_.back().end = end;
        return;
    }
    size_t i = position(first);
    if (i > 0 && runs_[i - 1].end == first) --i;  // touches the run before
    if (i < runs_.size() && runs_[i].first <= end) {
        // Overlaps or touches run i (and maybe those after it): merge them.
        Run merged{first < runs_[i].first ? first : runs_[i].first, end > runs_[i].end ? end : runs_[i].end};
        size_t last = i;
        while (last + 1 < runs_.size() && runs_[last + 1].first <= merged.end) {
            ++last;
            if (runs_[last].end > merged.end) merged.end = runs_[last].end;
        }
        runs_[i] = merged;
        runs_.erase(runs_.begin() + static_cast<ptrdiff_t>(i + 1), runs_.begin() + static_cast<ptrdiff_t>(last + 1));
        return;
    }
    runs_.insert(runs_.begin() + static_cast<ptrdiff_t>(i), Run{first, end});
}

void FreedBlocks::add_all(const FreedBlocks& other) {
    for (const Run& run : other.runs_) add(run.first, run.end - run.first);
}

void FreedBlocks::remove(uint64_t block) {
    size_t i = position(block);
    if (i == runs_.size() || runs_[i].first > block) return;
    Run& run = runs_[i];
    if (run.first == block && run.end == block + 1) {
        runs_.erase(runs_.begin() + static_cast<ptrdiff_t>(i));
    } else if (run.first == block) {
        ++run.first;
    } else if (run.end == block + 1) {
        --run.end;
    } else {
        Run after{block + 1, run.end};
        run.end = block;
        runs_.insert(runs_.begin() + static_cast<ptrdiff_t>(i + 1), after);
    }
}

uint64_t FreedBlocks::block_count() const {
    uint64_t count = 0;
    for (const Run& run : runs_) count += run.end - run.first;
    return count;
}

uint64_t FreedBlocks::run_end(uint64_t block) const {
    size_t i = position(block);
    return i < runs_.size() && runs_[i].first <= block ? runs_[i].end : 0;
}

}  // namespace ingot::ext2
