#include <fs/file_mode.h>
#include <fs/pipe.h>
#include <lib/clock.h>
#include <net/socket/socket_file.h>
#include <proc/event_loop.h>


namespace ingot::net {

SocketFile* SocketFile::from(OpenFile& file) {
    // No RTTI in the kernel: S_IFSOCK is reported by socket files alone.
    if ((file.stat().mode & kModeTypeMask) != kModeSocket) return nullptr;
    return static_cast<SocketFile*>(&file);
}

SocketFile::SocketFile(int type, uint32_t open_flags)
    : OpenFile(open_flags | kOpenReadWrite), type_(type),
      inode_number_(pipe_filesystem().allocate_inode_number()) {}

Result<size_t> SocketFile::read(IoBuffer& dst) {
    SocketReceived received = TRY(receive(dst, 0));
    return received.copied;
}

Result<size_t> SocketFile::write(IoBuffer& src) { return send(src, std::nullopt, 0); }

InodeStat SocketFile::stat() const {
    InodeStat st;
    st.device = pipe_filesystem().device_id();
    st.inode_number = inode_number_;
    st.link_count = 1;
    st.mode = kModeSocket | 0777;  // sockfs inodes: srwxrwxrwx
    st.block_size = 4096;
    return st;
}

OwnedString SocketFile::describe() const {
    // "socket:[inode]" as readlink(/proc/self/fd/N) shows it.
    char text[40];
    char digits[24];
    size_t n = 0;
    uint64_t v = inode_number_;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    size_t at = 0;
    for (char c : {'s', 'o', 'c', 'k', 'e', 't', ':', '['}) text[at++] = c;
    while (n) text[at++] = digits[--n];
    text[at++] = ']';
    return OwnedString(std::string_view(text, at));
}

uint64_t SocketFile::deadline(bool sending) const {
    uint64_t timeout = sending ? settings_.send_timeout_ns : settings_.receive_timeout_ns;
    if (timeout == ~0ull) return kNoDeadline;
    uint64_t now = monotonic_ns();
    return timeout > kNoDeadline - now ? kNoDeadline : now + timeout;
}

}  // namespace ingot::net
