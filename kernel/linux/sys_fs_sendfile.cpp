// sendfile(2): copies from a file to any writable descriptor (a socket, a pipe, another file)
// through a kernel buffer, in the order of checks of Linux's fs/read_write.c do_sendfile.
#include <fs/fs_limits.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <algorithm>
#include <vector>

namespace ingot {
namespace {

constexpr size_t kChunk = 64 * 1024;  // bytes read from the input per step

// Copies up to count bytes from `in` at position onwards into `out`. Returns the bytes that
// `out` took (fewer when it fills up, the input ends, or an error follows some progress);
// an error only when nothing moved.
Result<size_t> copy_file_range_to(OpenFile& in, OpenFile& out, uint64_t position, size_t count) {
    std::vector<uint8_t> buffer(std::min(count, kChunk));
    size_t total = 0;
    while (total < count) {
        size_t want = std::min(count - total, buffer.size());
        IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(buffer.data(), want));
        Result<size_t> got = in.read_at(position + total, dst);
        if (!got.ok()) {
            if (total > 0) break;
            return got.error();
        }
        if (got.value() == 0) break;  // end of the input
        IoBuffer src = IoBuffer::kernel_source(std::span<const uint8_t>(buffer.data(), got.value()));
        Result<size_t> put = out.write(src);
        if (!put.ok()) {
            if (total > 0) break;
            return put.error();
        }
        total += put.value();
        if (put.value() < got.value()) break;  // the output is full (a non-blocking socket)
    }
    return total;
}

}  // namespace

// sendfile(out_fd, in_fd, offset, count): with offset NULL the input's file offset is used and
// advanced; otherwise *offset is, and is updated, and the file offset stays.
Result<int64_t> sys_sendfile(const SyscallArgs& args) {
    uint64_t user_offset = args.a[2];
    size_t count = sys_fs::clamp_count(args.a[3]);
    int64_t position = 0;
    if (user_offset) position = TRY(read_user<int64_t>(user_offset));
    OpenFileRef in = TRY(sys_fs::file_arg(args.a[1]));
    if (!in->can_read()) return Errno::EBADF;
    // The input must be a file with positions; pipes, sockets and consoles are refused.
    if (!in->inode()) return user_offset ? Errno::ESPIPE : Errno::EINVAL;
    if (!user_offset) position = static_cast<int64_t>(in->offset());
    if (position < 0) return Errno::EINVAL;
    OpenFileRef out = TRY(sys_fs::file_arg(args.a[0]));
    if (!out->can_write()) return Errno::EBADF;
    if (out->is_append()) return Errno::EINVAL;  // do_splice_direct refuses O_APPEND outputs
    if (in->is_directory()) return Errno::EISDIR;
    uint64_t start = static_cast<uint64_t>(position);
    if (start >= kMaxFileSize) return Errno::EOVERFLOW;
    count = static_cast<size_t>(std::min<uint64_t>(count, kMaxFileSize - start));
    size_t moved = count == 0 ? 0 : TRY(copy_file_range_to(*in, *out, start, count));
    if (user_offset) {
        TRY(write_user(user_offset, static_cast<int64_t>(start + moved)));
    } else if (moved > 0) {
        TRY(in->seek(static_cast<int64_t>(start + moved), 0));
    }
    return static_cast<int64_t>(moved);
}

}  // namespace ingot
