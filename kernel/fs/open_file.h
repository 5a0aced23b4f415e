// An open file description (open(2) "open file description"): what a file descriptor refers
// to. dup(2) and fork share one, and with it the file offset and the status flags; the
// descriptor flag FD_CLOEXEC lives in the FdTable instead. Subclasses: InodeFile (files,
// directories, devices, O_PATH handles), PipeFile, ConsoleFile.
#pragma once

#include <fs/inode.h>
#include <fs/io_buffer.h>
#include <fs/open_flags.h>
#include <fs/owned_string.h>
#include <fs/ref_counted.h>
#include <lib/result.h>

#include <cstdint>
#include <vector>
#include <span>

namespace ingot {

class EpollFile;
class Pipe;

// poll(2) event bits, for whoever implements poll/select/epoll.
inline constexpr uint32_t kPollIn = 0x001;
inline constexpr uint32_t kPollOut = 0x004;
inline constexpr uint32_t kPollErr = 0x008;
inline constexpr uint32_t kPollHangUp = 0x010;

class OpenFile : public RefCounted {
public:
    // Access mode and status flags, as F_GETFL reports them.
    uint32_t status_flags() const { return flags_; }
    // F_SETFL: replaces the settable flags (O_APPEND, O_NONBLOCK, ...), keeps the rest.
    void set_settable_flags(uint32_t flags);
    bool is_path_only() const { return flags_ & kOpenPath; }
    bool can_read() const;
    bool can_write() const;
    bool is_nonblocking() const { return flags_ & kOpenNonBlock; }
    bool is_append() const { return flags_ & kOpenAppend; }
    // `inode`, which this description reads, was read: its access time moves
    // (Inode::touch_accessed), unless the description was opened with O_NOATIME.
    void note_accessed(Inode& inode) const {
        if (!(flags_ & kOpenNoAccessTime)) inode.touch_accessed();
    }

    // read(2)/write(2) at the file offset, advancing it. The caller has checked the access
    // mode (EBADF) and that the buffer lies in user space.
    virtual Result<size_t> read(IoBuffer& dst) = 0;
    virtual Result<size_t> write(IoBuffer& src) = 0;
    // pread(2)/pwrite(2) at an explicit offset, leaving the file offset alone; ESPIPE for
    // pipes and consoles.
    virtual Result<size_t> read_at(uint64_t offset, IoBuffer& dst);
    virtual Result<size_t> write_at(uint64_t offset, IoBuffer& src);
    // Kernel-buffer pread, for mmap of files: fills dst from offset, returns the byte count.
    Result<size_t> read_at(uint64_t offset, std::span<uint8_t> dst);
    // lseek(2); whence is SEEK_SET/CUR/END/DATA/HOLE (0..4), already range-checked.
    virtual Result<int64_t> seek(int64_t offset, int whence);

    virtual InodeStat stat() const = 0;
    // The inode behind a file, directory or device; null for pipes and consoles.
    virtual InodeRef inode() const { return nullptr; }
    bool is_regular_file() const { return inode() && inode()->is_regular(); }
    bool is_directory() const { return inode() && inode()->is_directory(); }
    // File size for mmap; 0 for anything without one.
    uint64_t size() const { return inode() ? inode()->size() : 0; }

    // Bytes a read would return now (FIONREAD); ENOTTY where the ioctl does not apply.
    virtual Result<int> bytes_readable() const { return Errno::ENOTTY; }
    // poll(2) readiness.
    virtual uint32_t poll_events() const = 0;
    // Changes whenever something happens that an edge-triggered waiter must hear about (data
    // arrived, space freed, the other end closed), even if poll_events() looks the same.
    // Files whose readiness never changes keep the default.
    virtual uint64_t event_generation() const { return 0; }
    // What readlink("/proc/self/fd/N") shows: a path, or "pipe:[ino]".
    virtual OwnedString describe() const = 0;
    // The pipe behind a pipe end (F_GETPIPE_SZ), else null.
    virtual Pipe* pipe() const { return nullptr; }
    virtual EpollFile* epoll() { return nullptr; }

    uint64_t offset() const { return offset_; }
    void set_offset(uint64_t offset) { offset_ = offset; }
    // epoll(7) entries do not keep a file open: each epoll watching this file is told when
    // the last reference goes, and drops its entries for it (eventpoll_release on Linux).
    void add_epoll_watcher(EpollFile* epoll);
    void remove_epoll_watcher(EpollFile* epoll);
    ~OpenFile() override;

    // F_SETOWN/F_GETOWN: the process (> 0) or group (< 0) that O_ASYNC would signal. Recorded
    // and reported; signal-driven I/O itself (SIGIO) is not implemented.
    int owner() const { return owner_; }
    void set_owner(int owner) { owner_ = owner; }

protected:
    explicit OpenFile(uint32_t flags) : flags_(flags & kOpenStatusFlags) {}

private:
    uint32_t flags_;
    uint64_t offset_ = 0;
    int owner_ = 0;
    std::vector<EpollFile*> epoll_watchers_;
};

using OpenFileRef = RefPtr<OpenFile>;

}  // namespace ingot
