#include <fs/fs_limits.h>
#include <fs/pipe.h>
#include <proc/event_loop.h>
#include <lib/format.h>

#include <algorithm>
#include <utility>

namespace ingot {
namespace {
constinit FileSystem* pipe_fs = nullptr;
}

FileSystem& pipe_filesystem() {
    // Created on first use and kept for the life of the kernel.
    if (!pipe_fs) {
        pipe_fs = new FileSystem(kPipefsMagic, false);
        pipe_fs->ref();
    }
    return *pipe_fs;
}

Pipe::Pipe()
    : capacity_(kPipeDefaultCapacity), inode_number_(pipe_filesystem().allocate_inode_number()),
      created_(FsTime::now()) {}

Result<size_t> Pipe::read(IoBuffer& dst, bool nonblocking) {
    if (dst.size() == 0) return size_t{0};
    if (count_ == 0) {
        if (writers_ == 0) return size_t{0};
        return nonblocking ? Errno::EAGAIN : Errno::EDEADLK;
    }
    size_t want = std::min(dst.size(), count_);
    size_t first = std::min(want, capacity_ - head_);
    TRY(dst.copy_to_buffer(0, ring_.data() + head_, first));
    size_t done = first;
    if (want > first && dst.copy_to_buffer(first, ring_.data(), want - first).ok()) done = want;
    head_ = (head_ + done) % capacity_;
    count_ -= done;
    ++generation_;
    if (count_ == 0) head_ = 0;
    return done;
}

Result<size_t> Pipe::write(IoBuffer& src, bool nonblocking) {
    if (readers_ == 0) return Errno::EPIPE;
    size_t want = src.size();
    if (want == 0) return size_t{0};
    size_t space = capacity_ - count_;
    // pipe(7) "PIPE_BUF": writes of at most PIPE_BUF bytes go in whole or not at all.
    if (space == 0 || (want <= kPipeBufAtomic && space < want))
        return nonblocking ? Errno::EAGAIN : Errno::EDEADLK;
    if (ring_.size() != capacity_) ring_.resize(capacity_);
    want = std::min(want, space);
    size_t tail = (head_ + count_) % capacity_;
    size_t first = std::min(want, capacity_ - tail);
    TRY(src.copy_from_buffer(0, ring_.data() + tail, first));
    size_t done = first;
    if (want > first && src.copy_from_buffer(first, ring_.data(), want - first).ok()) done = want;
    count_ += done;
    ++generation_;
    return done;
}

Result<size_t> Pipe::set_capacity(size_t requested) {
    constexpr size_t kPage = 4096;
    if (requested > kPipeMaxCapacity) return Errno::EPERM;
    size_t capacity = kPage;
    while (capacity < requested) capacity *= 2;
    if (capacity < count_) return Errno::EBUSY;
    if (capacity == capacity_) return capacity;
    // Move the buffered bytes to the front of a buffer of the new size.
    std::vector<uint8_t> ring(count_ ? capacity : 0);
    for (size_t i = 0; i < count_; ++i) ring[i] = ring_[(head_ + i) % capacity_];
    ring_ = std::move(ring);
    capacity_ = capacity;
    head_ = 0;
    return capacity;
}

InodeStat pipefs_stat(uint64_t inode_number, uint32_t mode) {
    InodeStat st;
    FileSystem& fs = pipe_filesystem();
    st.device = fs.device_id();
    st.device_major = fs.device_major();
    st.device_minor = fs.device_minor();
    st.inode_number = inode_number;
    st.link_count = 1;
    st.mode = mode;
    st.block_size = kBlockSize;
    return st;
}

InodeStat Pipe::stat() const {
    InodeStat st = pipefs_stat(inode_number_, kModeFifo | 0600);
    st.access_time = st.modify_time = st.change_time = created_;
    return st;
}

PipeFile::PipeFile(RefPtr<Pipe> pipe, bool read_end, uint32_t flags)
    : OpenFile(flags | (read_end ? kOpenReadOnly : kOpenWriteOnly)), pipe_(std::move(pipe)),
      read_end_(read_end) {
    if (read_end_)
        pipe_->add_reader();
    else
        pipe_->add_writer();
}

PipeFile::~PipeFile() {
    if (read_end_)
        pipe_->drop_reader();
    else
        pipe_->drop_writer();
}

// A blocking end waits for the other end: another thread or process of the program.
Result<size_t> read_pipe(Pipe& pipe, IoBuffer& dst, bool nonblocking) {
    for (;;) {
        Result<size_t> done = pipe.read(dst, nonblocking);
        if (done.ok() || done.error() != Errno::EDEADLK) return done;
        TRY(wait_until([&pipe] { return pipe.bytes_buffered() > 0 || pipe.writers() == 0; }, kNoDeadline,
                       WaitKind::OtherThreads));
    }
}

Result<size_t> write_pipe(Pipe& pipe, IoBuffer& src, bool nonblocking) {
    size_t total = 0;
    for (;;) {
        // A blocking write of more than fits goes in parts, waiting for room between them.
        IoBuffer rest = src.tail(total);
        Result<size_t> done = pipe.write(rest, nonblocking);
        if (done.ok()) {
            total += done.value();
            if (total == src.size() || nonblocking || done.value() == 0) return total;
            continue;
        }
        if (done.error() != Errno::EDEADLK) return total ? Result<size_t>(total) : done;
        auto waited = wait_until([&pipe] { return pipe.readers() == 0 || pipe.bytes_buffered() < pipe.capacity(); },
                                 kNoDeadline, WaitKind::OtherThreads);
        // Interrupted (or nobody left to drain it) after a part went in: report that part.
        if (!waited.ok()) return total ? Result<size_t>(total) : waited.error();
    }
}

Result<size_t> PipeFile::read(IoBuffer& dst) { return read_pipe(*pipe_, dst, is_nonblocking()); }

Result<size_t> PipeFile::write(IoBuffer& src) { return write_pipe(*pipe_, src, is_nonblocking()); }

uint32_t PipeFile::poll_events() const {
    if (read_end_) {
        uint32_t events = pipe_->bytes_buffered() ? kPollIn : 0;
        return pipe_->writers() == 0 ? events | kPollHangUp : events;
    }
    if (pipe_->readers() == 0) return kPollErr;
    return pipe_->bytes_buffered() < pipe_->capacity() ? kPollOut : 0;
}

OwnedString PipeFile::describe() const {
    char text[40];
    size_t len = format_to(text, sizeof(text), "pipe:[%llu]", static_cast<unsigned long long>(pipe_->inode_number()));
    return OwnedString(std::string_view(text, len));
}

void create_pipe(uint32_t flags, OpenFileRef& read_end, OpenFileRef& write_end) {
    RefPtr<Pipe> pipe = make_ref<Pipe>();
    uint32_t status = flags & kOpenNonBlock;
    read_end = OpenFileRef(new PipeFile(pipe, true, status));
    write_end = OpenFileRef(new PipeFile(pipe, false, status));
}

}  // namespace ingot
