#include <fs/fd_table.h>

#include <utility>

namespace ingot {

Result<int> FdTable::install(OpenFileRef file, bool close_on_exec, int lowest) {
    if (lowest < 0 || lowest >= limit_) return Errno::EINVAL;
    int fd = lowest;
    while (in_table(fd) && slots_[fd].file) ++fd;
    if (fd >= limit_) return Errno::EMFILE;
    if (static_cast<size_t>(fd) >= slots_.size()) slots_.resize(static_cast<size_t>(fd) + 1);
    slots_[fd] = Slot{std::move(file), close_on_exec};
    return fd;
}

Result<void> FdTable::install_at(int fd, OpenFileRef file, bool close_on_exec) {
    if (fd < 0 || fd >= limit_) return Errno::EBADF;
    if (static_cast<size_t>(fd) >= slots_.size()) slots_.resize(static_cast<size_t>(fd) + 1);
    // Swap first, release after: the old file's destructor may look at this table
    // (a pipe end closing), so the slot must already be consistent.
    OpenFileRef old = std::move(slots_[fd].file);
    slots_[fd] = Slot{std::move(file), close_on_exec};
    return {};
}

Result<OpenFileRef> FdTable::get(int fd) const {
    if (!is_open(fd)) return Errno::EBADF;
    return slots_[fd].file;
}

bool FdTable::is_open(int fd) const { return in_table(fd) && slots_[fd].file; }

bool FdTable::has_free_descriptor() const {
    int fd = 0;
    while (in_table(fd) && slots_[fd].file) ++fd;
    return fd < limit_;
}

Result<void> FdTable::close(int fd) {
    if (!is_open(fd)) return Errno::EBADF;
    OpenFileRef old = std::move(slots_[fd].file);
    slots_[fd].close_on_exec = false;
    return {};
}

void FdTable::close_range(unsigned first, unsigned last) {
    for (size_t fd = first; fd < slots_.size() && fd <= last; ++fd) {
        OpenFileRef old = std::move(slots_[fd].file);
        slots_[fd].close_on_exec = false;
    }
}

void FdTable::set_close_on_exec_range(unsigned first, unsigned last) {
    for (size_t fd = first; fd < slots_.size() && fd <= last; ++fd)
        if (slots_[fd].file) slots_[fd].close_on_exec = true;
}

void FdTable::close_all() { close_range(0, ~0u); }

Result<bool> FdTable::close_on_exec(int fd) const {
    if (!is_open(fd)) return Errno::EBADF;
    return slots_[fd].close_on_exec;
}

Result<void> FdTable::set_close_on_exec(int fd, bool value) {
    if (!is_open(fd)) return Errno::EBADF;
    slots_[fd].close_on_exec = value;
    return {};
}

int FdTable::next_open(int from) const {
    for (int fd = from < 0 ? 0 : from; in_table(fd); ++fd)
        if (slots_[fd].file) return fd;
    return -1;
}

int FdTable::open_count() const {
    int count = 0;
    for (const Slot& slot : slots_) count += slot.file ? 1 : 0;
    return count;
}

Result<void> FdTable::set_limit(int limit) {
    if (limit <= 0 || limit > kMaxLimit) return Errno::EINVAL;
    limit_ = limit;
    return {};
}

}  // namespace ingot
