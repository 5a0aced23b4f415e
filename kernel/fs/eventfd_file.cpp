#include <fs/eventfd_file.h>
#include <fs/file_mode.h>
#include <fs/pipe.h>
#include <proc/event_loop.h>

namespace ingot {

EventFdFile::EventFdFile(uint64_t initial, uint32_t open_flags, bool semaphore)
    : OpenFile(open_flags | kOpenReadWrite), counter_(initial), semaphore_(semaphore),
      inode_number_(pipe_filesystem().allocate_inode_number()) {}

Result<size_t> EventFdFile::read(IoBuffer& dst) {
    if (dst.size() < sizeof(uint64_t)) return Errno::EINVAL;
    if (counter_ == 0) {
        if (is_nonblocking()) return Errno::EAGAIN;
        TRY(wait_until([this] { return counter_ != 0; }, kNoDeadline, WaitKind::OtherThreads));
    }
    uint64_t value = semaphore_ ? 1 : counter_;
    TRY(dst.copy_to_buffer(0, &value, sizeof(value)));
    counter_ -= value;
    return sizeof(value);
}

Result<size_t> EventFdFile::write(IoBuffer& src) {
    if (src.size() < sizeof(uint64_t)) return Errno::EINVAL;
    uint64_t value;
    TRY(src.copy_from_buffer(0, &value, sizeof(value)));
    if (value == ~0ull) return Errno::EINVAL;
    if (kMax - counter_ < value) {
        if (is_nonblocking()) return Errno::EAGAIN;
        TRY(wait_until([this, value] { return kMax - counter_ >= value; }, kNoDeadline, WaitKind::OtherThreads));
    }
    counter_ += value;
    return sizeof(value);
}

// Anonymous inodes have no file type bits, as Linux reports them.
InodeStat EventFdFile::stat() const { return pipefs_stat(inode_number_, 0600); }

uint32_t EventFdFile::poll_events() const {
    uint32_t events = 0;
    if (counter_ > 0) events |= kPollIn;
    if (counter_ < kMax) events |= kPollOut;
    return events;
}

OwnedString EventFdFile::describe() const { return OwnedString("anon_inode:[eventfd]"); }

}  // namespace ingot
