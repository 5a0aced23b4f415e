#include <fs/epoll_file.h>
#include <fs/fd_table.h>
#include <fs/pipe.h>

#include <algorithm>
#include <vector>

namespace ingot {
namespace {

constexpr uint32_t kAlwaysReported = kEpollErr | kEpollHup;

// poll(2) bits as epoll reports them (the RDNORM/WRNORM aliases included).
uint32_t as_epoll_events(uint32_t poll_events) {
    uint32_t events = poll_events;
    if (events & kEpollIn) events |= kEpollRdNorm;
    if (events & kEpollOut) events |= kEpollWrNorm;
    return events;
}

}  // namespace

EpollFile::EpollFile(uint32_t open_flags)
    : OpenFile(open_flags | kOpenReadWrite), inode_number_(pipe_filesystem().allocate_inode_number()) {}

EpollFile::~EpollFile() {
    for (Interest& interest : interests_) interest.file->remove_epoll_watcher(this);
}

void EpollFile::file_released(OpenFile* file) {
    std::erase_if(interests_, [file](const Interest& interest) { return interest.file == file; });
}

template <typename Pred>
void EpollFile::remove_interests(Pred doomed) {
    std::vector<OpenFile*> affected;
    std::erase_if(interests_, [&](const Interest& interest) {
        if (!doomed(interest)) return false;
        affected.push_back(interest.file);
        return true;
    });
    for (OpenFile* file : affected) {
        bool still_watched = std::any_of(interests_.begin(), interests_.end(),
                                         [file](const Interest& interest) { return interest.file == file; });
        if (!still_watched) file->remove_epoll_watcher(this);
    }
}

EpollFile::Interest* EpollFile::find(int fd, OpenFile* file) {
    for (Interest& interest : interests_)
        if (interest.fd == fd && interest.file == file) return &interest;
    return nullptr;
}

Result<void> EpollFile::add(int fd, OpenFile* file, EpollEvent event) {
    if (file == this) return Errno::EINVAL;
    if (find(fd, file)) return Errno::EEXIST;
    interests_.push_back({fd, file, event});
    file->add_epoll_watcher(this);
    return {};
}

Result<void> EpollFile::modify(int fd, OpenFile* file, EpollEvent event) {
    Interest* interest = find(fd, file);
    if (!interest) return Errno::ENOENT;
    // EPOLLEXCLUSIVE may only be given to EPOLL_CTL_ADD (epoll_ctl(2), EINVAL).
    if ((event.events | interest->event.events) & kEpollExclusive) return Errno::EINVAL;
    *interest = {fd, interest->file, event};
    return {};
}

Result<void> EpollFile::remove(int fd, OpenFile* file) {
    if (!find(fd, file)) return Errno::ENOENT;
    remove_interests([&](const Interest& i) { return i.fd == fd && i.file == file; });
    return {};
}

// Linux drops an entry when its file is released; here, when its descriptor was closed or now
// names a different file.
void EpollFile::drop_stale(const FdTable& fds) {
    remove_interests([&](const Interest& interest) {
        auto current = fds.get(interest.fd);
        return !current.ok() || current.value().get() != interest.file;
    });
}

// The events to report now for `interest` (updating its edge state as conditions go away).
uint32_t EpollFile::pending(Interest& interest) {
    if (interest.disabled) return 0;
    uint32_t ready = as_epoll_events(interest.file->poll_events()) & (interest.event.events | kAlwaysReported);
    if (!(interest.event.events & kEpollEdge)) return ready;
    if (interest.file->event_generation() != interest.reported_generation) return ready;
    interest.reported &= ready;  // a condition that went away is reported again when it returns
    return ready & ~interest.reported;
}

bool EpollFile::has_events(const FdTable& fds) {
    drop_stale(fds);
    for (Interest& interest : interests_) {
        // pending() only forgets conditions that went away, which asking again repeats.
        if (pending(interest)) return true;
    }
    return false;
}

size_t EpollFile::collect(const FdTable& fds, EpollEvent* out, size_t capacity) {
    drop_stale(fds);
    size_t count = 0, total = interests_.size();
    if (cursor_ >= total) cursor_ = 0;
    for (size_t scanned = 0; scanned < total && count < capacity; ++scanned) {
        size_t index = (cursor_ + scanned) % total;
        Interest& interest = interests_[index];
        uint32_t events = pending(interest);
        if (!events) continue;
        out[count++] = {events, interest.event.data};
        if (interest.event.events & kEpollEdge) {
            interest.reported |= events;
            interest.reported_generation = interest.file->event_generation();
        }
        if (interest.event.events & kEpollOneShot) interest.disabled = true;
        if (count == capacity) cursor_ = index + 1;
    }
    return count;
}

// Anonymous inodes have no file type bits, as Linux reports them.
InodeStat EpollFile::stat() const { return pipefs_stat(inode_number_, 0600); }

uint32_t EpollFile::poll_events() const {
    // An epoll descriptor is itself readable while one of its entries is ready (level view).
    for (const Interest& interest : interests_) {
        if (interest.disabled) continue;
        uint32_t wanted = interest.event.events | kAlwaysReported;
        if (as_epoll_events(interest.file->poll_events()) & wanted) return kPollIn;
    }
    return 0;
}

}  // namespace ingot
