// epoll(7): an interest list of descriptors and the events to report for each, level- or
// edge-triggered, optionally one-shot. Readiness comes from OpenFile::poll_events(); an
// edge-triggered entry reports again when the file's event generation moved (new data, freed
// space, a hang-up) or an event appears that it has not reported yet.
#pragma once

#include <fs/open_file.h>

#include <cstdint>
#include <vector>

namespace ingot {

class FdTable;

// epoll_event flags (uapi/linux/eventpoll.h).
inline constexpr uint32_t kEpollIn = 0x001, kEpollPri = 0x002, kEpollOut = 0x004, kEpollErr = 0x008,
                          kEpollHup = 0x010, kEpollRdNorm = 0x040, kEpollRdBand = 0x080,
                          kEpollWrNorm = 0x100, kEpollWrBand = 0x200, kEpollMsg = 0x400,
                          kEpollRdHup = 0x2000, kEpollExclusive = 1u << 28, kEpollWakeup = 1u << 29,
                          kEpollOneShot = 1u << 30, kEpollEdge = 1u << 31;

struct [[gnu::packed]] EpollEvent {  // packed on x86-64, as in the Linux ABI
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);

class EpollFile final : public OpenFile {
public:
    explicit EpollFile(uint32_t open_flags);
    ~EpollFile() override;

    // EPOLL_CTL_ADD/MOD/DEL on descriptor fd (whose open file is `file`): EEXIST, ENOENT,
    // EINVAL (an epoll on itself) as epoll_ctl(2).
    Result<void> add(int fd, OpenFile* file, EpollEvent event);
    Result<void> modify(int fd, OpenFile* file, EpollEvent event);
    Result<void> remove(int fd, OpenFile* file);

    // Fills up to `capacity` ready events (consuming edge and one-shot state); returns how many.
    size_t collect(const FdTable& fds, EpollEvent* out, size_t capacity);
    // Whether collect() would report an event now. Consumes nothing, so a wait may ask it any
    // number of times (the scheduler evaluates a blocked thread's condition itself).
    bool has_events(const FdTable& fds);

    Result<size_t> read(IoBuffer&) override { return Errno::EINVAL; }
    Result<size_t> write(IoBuffer&) override { return Errno::EINVAL; }
    InodeStat stat() const override;
    uint32_t poll_events() const override;
    OwnedString describe() const override { return OwnedString("anon_inode:[eventpoll]"); }
    EpollFile* epoll() override { return this; }

    // A watched file's last reference is gone: its entries go too (OpenFile's destructor).
    void file_released(OpenFile* file);

private:
    struct Interest {
        int fd;
        OpenFile* file;  // not kept alive: the entry goes with the file (file_released), or
                         // once fd names another file (drop_stale)
        EpollEvent event;
        uint32_t reported = 0;         // edge-triggered: events already reported ...
        uint64_t reported_generation = 0;  // ... at this event generation
        bool disabled = false;         // one-shot entry that has fired
    };
    Interest* find(int fd, OpenFile* file);
    void drop_stale(const FdTable& fds);
    // Removes the entries `doomed` picks, and stops watching files left without one.
    template <typename Pred>
    void remove_interests(Pred doomed);
    static uint32_t pending(Interest& interest);

    std::vector<Interest> interests_;
    size_t cursor_ = 0;  // where the next scan starts, so busy descriptors cannot starve others
    uint64_t inode_number_;
};

}  // namespace ingot
