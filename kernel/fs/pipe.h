// A pipe (pipe(7)): a 64 KiB ring buffer between a read end and a write end.
//
// Pipe::read and Pipe::write never block: where Linux would, they fail with EDEADLK, and
// PipeFile (below) waits for another thread or process to drain or fill the pipe and tries
// again; non-blocking ends get EAGAIN as usual. Writes of at most PIPE_BUF bytes are atomic.
#pragma once

#include <fs/fs_time.h>
#include <fs/inode.h>
#include <fs/open_file.h>
#include <fs/ref_counted.h>
#include <lib/result.h>

#include <cstdint>
#include <vector>

namespace ingot {

// The pseudo file system that pipes and console streams report in st_dev.
FileSystem& pipe_filesystem();

// fstat(2) of an object that lives only in the pipe file system (pipes, the standard streams,
// eventfd and epoll descriptors): device and block size of pipefs, one link, the given mode.
InodeStat pipefs_stat(uint64_t inode_number, uint32_t mode);

class Pipe final : public RefCounted {
public:
    Pipe();

    // Reads up to dst.size() bytes: 0 once empty with no writer left (end of file), EAGAIN
    // (non-blocking) or EDEADLK (blocking) while empty with writers.
    Result<size_t> read(IoBuffer& dst, bool nonblocking);
    // Writes src: EPIPE without readers (the caller raises SIGPIPE), EAGAIN or EDEADLK when
    // full, a short count when only part fits (never for writes of PIPE_BUF or less).
    Result<size_t> write(IoBuffer& src, bool nonblocking);

    size_t bytes_buffered() const { return count_; }
    size_t capacity() const { return capacity_; }
    // F_SETPIPE_SZ: rounds up to a power-of-two number of pages; EBUSY below the data
    // buffered, EPERM above /proc/sys/fs/pipe-max-size. Returns the new capacity.
    Result<size_t> set_capacity(size_t requested);

    void add_reader() { ++readers_; }
    void drop_reader() { --readers_; ++generation_; }
    void add_writer() { ++writers_; }
    void drop_writer() { --writers_; ++generation_; }
    uint64_t generation() const { return generation_; }
    uint32_t readers() const { return readers_; }
    uint32_t writers() const { return writers_; }

    // fstat(2) of either end: a FIFO, owner read/write.
    InodeStat stat() const;
    uint64_t inode_number() const { return inode_number_; }

private:
    std::vector<uint8_t> ring_;  // allocated on the first write
    size_t capacity_;
    size_t head_ = 0;  // index of the oldest byte
    size_t count_ = 0;
    uint32_t readers_ = 0, writers_ = 0;
    uint64_t generation_ = 0;  // bumped by every read, write and close (for edge-triggered epoll)
    uint64_t inode_number_;
    FsTime created_;
};

// Reads from `pipe` as a blocking or non-blocking end does (read(2) on a pipe): a blocking
// read waits until there are bytes or no writer is left. Shared by pipes and local sockets.
Result<size_t> read_pipe(Pipe& pipe, IoBuffer& dst, bool nonblocking);
// Writes to `pipe` likewise: a blocking write waits for room until all of src went in (a
// signal after part of it reports that part), EPIPE once no reader is left.
Result<size_t> write_pipe(Pipe& pipe, IoBuffer& src, bool nonblocking);

// One end of a pipe; closing the last reference to an end is what the other end observes.
class PipeFile final : public OpenFile {
public:
    PipeFile(RefPtr<Pipe> pipe, bool read_end, uint32_t flags);
    ~PipeFile() override;

    Result<size_t> read(IoBuffer& dst) override;
    Result<size_t> write(IoBuffer& src) override;
    InodeStat stat() const override { return pipe_->stat(); }
    Result<int> bytes_readable() const override { return static_cast<int>(pipe_->bytes_buffered()); }
    uint32_t poll_events() const override;
    OwnedString describe() const override;
    Pipe* pipe() const override { return pipe_.get(); }
    uint64_t event_generation() const override { return pipe_->generation(); }

private:
    RefPtr<Pipe> pipe_;
    bool read_end_;
};

// pipe2(2): a new pipe's two ends; flags may hold O_NONBLOCK (applied to both ends).
void create_pipe(uint32_t flags, OpenFileRef& read_end, OpenFileRef& write_end);

}  // namespace ingot
