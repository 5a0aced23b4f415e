#include <fs/epoll_file.h>
#include <fs/record_locks.h>
#include <algorithm>
#include <fs/open_file.h>

namespace ingot {

OpenFile::~OpenFile() {
    record_locks().release(this);  // its open-file-description locks
    // Each watcher drops its entries; none calls back into this list while it is walked.
    for (EpollFile* epoll : epoll_watchers_) epoll->file_released(this);
}

void OpenFile::add_epoll_watcher(EpollFile* epoll) {
    if (std::find(epoll_watchers_.begin(), epoll_watchers_.end(), epoll) == epoll_watchers_.end())
        epoll_watchers_.push_back(epoll);
}

void OpenFile::remove_epoll_watcher(EpollFile* epoll) { std::erase(epoll_watchers_, epoll); }

void OpenFile::set_settable_flags(uint32_t flags) {
    flags_ = (flags_ & ~kOpenSettableFlags) | (flags & kOpenSettableFlags);
}

bool OpenFile::can_read() const {
    if (is_path_only()) return false;
    uint32_t mode = flags_ & kOpenAccessMask;
    return mode == kOpenReadOnly || mode == kOpenReadWrite;
}

bool OpenFile::can_write() const {
    if (is_path_only()) return false;
    uint32_t mode = flags_ & kOpenAccessMask;
    return mode == kOpenWriteOnly || mode == kOpenReadWrite;
}

Result<size_t> OpenFile::read_at(uint64_t, IoBuffer&) { return Errno::ESPIPE; }

Result<size_t> OpenFile::write_at(uint64_t, IoBuffer&) { return Errno::ESPIPE; }

Result<size_t> OpenFile::read_at(uint64_t offset, std::span<uint8_t> dst) {
    IoBuffer buffer = IoBuffer::kernel(dst);
    return read_at(offset, buffer);
}

Result<int64_t> OpenFile::seek(int64_t, int) { return Errno::ESPIPE; }

}  // namespace ingot
