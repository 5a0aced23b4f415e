// sendto, recvfrom, sendmsg, recvmsg (send(2), recv(2)). send and recv are sendto/recvfrom
// without an address in every libc. The one control message supported is SCM_RIGHTS on local
// sockets (unix(7)): descriptors passed along with the bytes.
#include <fs/fs_limits.h>
#include <linux/signal_dispatch.h>
#include <linux/sys_socket.h>
#include <mm/user_memory.h>
#include <fs/fs_context.h>
#include <net/socket/local_socket_file.h>
#include <net/socket/socket_address.h>
#include <proc/signals.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

namespace ingot {

using namespace net;

namespace {

struct Iovec {
    uint64_t base;
    uint64_t length;
};

// struct msghdr on x86-64.
struct MsgHdr {
    uint64_t name;
    uint32_t name_length;
    uint32_t padding;
    uint64_t iov;
    uint64_t iov_count;
    uint64_t control;
    uint64_t control_length;
    uint32_t flags;
    uint32_t padding2;
};
static_assert(sizeof(MsgHdr) == 56);

// struct cmsghdr on x86-64, and the one kind of control message supported.
struct CmsgHeader {
    uint64_t length;  // header and data, unpadded
    int32_t level;
    int32_t type;
};
static_assert(sizeof(CmsgHeader) == 16);
constexpr int32_t kSolSocket = 1, kScmRights = 1;
constexpr size_t kMaxPassedFiles = 253;  // SCM_MAX_FD

constexpr uint64_t kMaxIovecs = 1024;                 // UIO_MAXIOV
constexpr size_t kMaxDatagram = 65535;
constexpr size_t kStreamBounce = 256 * 1024;          // a multi-iovec stream read moves at most this

// The destination of sendto/sendmsg: none without an address; for datagrams the address must
// be a whole sockaddr_in (udp_sendmsg), while a stream socket ignores it (tcp_sendmsg).
Result<std::optional<Ipv4Endpoint>> destination_arg(const SocketFile& socket, uint64_t user, uint64_t length) {
    if (!user) return std::optional<Ipv4Endpoint>{};
    if (length > kMaxSockaddrLength) return Errno::EINVAL;
    if (socket.type() == kSockStream) return std::optional<Ipv4Endpoint>{};
    SocketAddress address = TRY(read_socket_address(user, length));
    if (!address.complete) return Errno::EINVAL;
    if (address.family != kAfInet && address.family != kAfUnspec) return Errno::EAFNOSUPPORT;
    return std::optional<Ipv4Endpoint>{address.endpoint};
}

// EPIPE from a send raises SIGPIPE unless MSG_NOSIGNAL (send(2)).
Result<int64_t> sent_or_signal(Result<size_t> sent, uint32_t flags) {
    if (!sent.ok()) {
        if (sent.error() == Errno::EPIPE && !(flags & kMsgNoSignal)) raise_signal(kSigPipe);
        return sent.error();
    }
    return static_cast<int64_t>(sent.value());
}

// The iovec array of a msghdr: EMSGSIZE past UIO_MAXIOV, EINVAL for a negative length,
// EFAULT for a range outside user space; the total is capped at MAX_RW_COUNT.
Result<std::vector<Iovec>> read_iovecs(uint64_t user, uint64_t count) {
    if (count > kMaxIovecs) return Errno::EMSGSIZE;
    std::vector<Iovec> iovecs(count);
    if (count) TRY(copy_from_user(iovecs.data(), user, count * sizeof(Iovec)));
    uint64_t total = 0;
    for (Iovec& v : iovecs) {
        if (v.length > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Errno::EINVAL;
        if (v.length > kMaxRwCount - total) v.length = kMaxRwCount - total;
        if (v.length && !is_user_range(v.base, v.length)) return Errno::EFAULT;
        total += v.length;
    }
    return iovecs;
}

uint64_t total_length(const std::vector<Iovec>& iovecs) {
    uint64_t total = 0;
    for (const Iovec& v : iovecs) total += v.length;
    return total;
}

// Copies bytes out to the iovecs in order.
Result<void> scatter(const std::vector<Iovec>& iovecs, const uint8_t* bytes, size_t count) {
    for (const Iovec& v : iovecs) {
        if (!count) break;
        size_t n = std::min<uint64_t>(v.length, count);
        TRY(copy_to_user(v.base, bytes, n));
        bytes += n;
        count -= n;
    }
    return {};
}

Result<size_t> send_iovecs(SocketFile& socket, const std::vector<Iovec>& iovecs,
                           std::optional<Ipv4Endpoint> destination, uint32_t flags) {
    if (socket.type() == kSockDgram) {
        // One datagram: gather first.
        uint64_t total = total_length(iovecs);
        if (total > kMaxDatagram) return Errno::EMSGSIZE;
        std::vector<uint8_t> payload(total);
        size_t at = 0;
        for (const Iovec& v : iovecs) {
            if (v.length) TRY(copy_from_user(payload.data() + at, v.base, v.length));
            at += v.length;
        }
        IoBuffer buffer = IoBuffer::kernel_source(payload);
        return socket.send(buffer, destination, flags);
    }
    if (total_length(iovecs) == 0) {
        IoBuffer empty = IoBuffer::user(0, 0);  // still reports EPIPE, ENOTCONN...
        return socket.send(empty, destination, flags);
    }
    // A byte stream: each iovec in turn, stopping at the first short send.
    size_t sent = 0;
    for (const Iovec& v : iovecs) {
        if (!v.length) continue;
        IoBuffer buffer = IoBuffer::user(v.base, v.length);
        Result<size_t> part = socket.send(buffer, destination, flags);
        if (!part.ok()) {
            if (sent) break;
            return part.error();
        }
        sent += part.value();
        if (part.value() < v.length) break;
    }
    return sent;
}

}  // namespace

// sendto(fd, buf, len, flags, dest_addr, addrlen)
Result<int64_t> sys_sendto(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    size_t length = args.a[2] > kMaxRwCount ? kMaxRwCount : static_cast<size_t>(args.a[2]);
    uint32_t flags = static_cast<uint32_t>(args.a[3]);
    if (!is_user_range(args.a[1], length)) return Errno::EFAULT;
    std::optional<Ipv4Endpoint> destination = TRY(destination_arg(*arg.socket, args.a[4], args.a[5]));
    IoBuffer buffer = IoBuffer::user(args.a[1], length);
    return sent_or_signal(arg.socket->send(buffer, destination, flags), flags);
}

// recvfrom(fd, buf, len, flags, src_addr, addrlen): MSG_TRUNC returns a datagram's real length.
Result<int64_t> sys_recvfrom(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    size_t length = args.a[2] > kMaxRwCount ? kMaxRwCount : static_cast<size_t>(args.a[2]);
    uint32_t flags = static_cast<uint32_t>(args.a[3]);
    if (!is_user_range(args.a[1], length)) return Errno::EFAULT;
    IoBuffer buffer = IoBuffer::user(args.a[1], length);
    SocketReceived received = TRY(arg.socket->receive(buffer, flags));
    if (args.a[4]) {
        if (received.source) {
            TRY(write_socket_address(args.a[4], args.a[5], *received.source));
        } else {
            // A stream socket has no address to report: move_addr_to_user stores length 0.
            int user_length = TRY(read_user<int>(args.a[5]));
            if (user_length < 0) return Errno::EINVAL;
            TRY(write_user(args.a[5], 0));
        }
    }
    bool datagram = arg.socket->type() == kSockDgram;
    return static_cast<int64_t>(datagram && (flags & kMsgTrunc) ? received.length : received.copied);
}

// The descriptors of the SCM_RIGHTS messages in msg_control, as files. Other control messages
// are EINVAL on a local socket, as Linux reports for an unknown type.
Result<std::vector<OpenFileRef>> files_to_pass(uint64_t control, uint64_t length) {
    std::vector<OpenFileRef> files;
    uint64_t offset = 0;
    while (offset + sizeof(CmsgHeader) <= length) {
        CmsgHeader header = TRY(read_user<CmsgHeader>(control + offset));
        if (header.length < sizeof(CmsgHeader) || header.length > length - offset) return Errno::EINVAL;
        if (header.level != kSolSocket || header.type != kScmRights) return Errno::EINVAL;
        size_t count = (header.length - sizeof(CmsgHeader)) / sizeof(int32_t);
        if (files.size() + count > kMaxPassedFiles) return Errno::EINVAL;
        for (size_t i = 0; i < count; ++i) {
            int32_t fd = TRY(read_user<int32_t>(control + offset + sizeof(CmsgHeader) + i * sizeof(int32_t)));
            files.push_back(TRY(current_fs().fds.get(fd)));
        }
        offset += (header.length + 7) & ~uint64_t{7};  // CMSG_ALIGN
    }
    return files;
}

// Installs received files and describes them in msg_control: one SCM_RIGHTS message, cut to
// the room there is (MSG_CTRUNC, the rest closed, as Linux does). Returns msg_controllen.
Result<uint64_t> deliver_passed_files(std::vector<OpenFileRef> files, uint64_t control, uint64_t room,
                                      uint32_t flags, uint32_t& msg_flags) {
    if (files.empty()) return uint64_t{0};
    size_t fit = room > sizeof(CmsgHeader) ? (room - sizeof(CmsgHeader)) / sizeof(int32_t) : 0;
    if (fit < files.size()) msg_flags |= kMsgCtrunc;
    if (!control || fit == 0) return uint64_t{0};
    if (fit > files.size()) fit = files.size();
    std::vector<int32_t> fds;
    for (size_t i = 0; i < fit; ++i) {
        auto fd = current_fs().fds.install(std::move(files[i]), flags & kMsgCmsgCloexec);
        if (!fd.ok()) {
            msg_flags |= kMsgCtrunc;
            break;
        }
        fds.push_back(fd.value());
    }
    CmsgHeader header{sizeof(CmsgHeader) + fds.size() * sizeof(int32_t), kSolSocket, kScmRights};
    TRY(write_user(control, header));
    TRY(copy_to_user(control + sizeof(CmsgHeader), fds.data(), fds.size() * sizeof(int32_t)));
    return header.length;
}

// sendmsg(fd, msg, flags): msg_name as for sendto, the payload gathered from msg_iov.
Result<int64_t> sys_sendmsg(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    uint32_t flags = static_cast<uint32_t>(args.a[2]);
    MsgHdr message = TRY(read_user<MsgHdr>(args.a[1]));
    // __copy_msghdr: a negative msg_namelen is EINVAL, a longer one than sockaddr_storage is cut.
    if (static_cast<int32_t>(message.name_length) < 0) return Errno::EINVAL;
    message.name_length = std::min<uint32_t>(message.name_length, kMaxSockaddrLength);
    std::vector<Iovec> iovecs = TRY(read_iovecs(message.iov, message.iov_count));
    // Ancillary data (IP_PKTINFO, ...) is not supported on datagrams; TCP ignores it; local
    // sockets pass descriptors.
    if (message.control_length && arg.socket->type() == kSockDgram) return Errno::EINVAL;
    if (LocalSocketFile* local = LocalSocketFile::from(*arg.socket); local && message.control_length) {
        if (!message.control) return Errno::EFAULT;
        local->attach_files(TRY(files_to_pass(message.control, message.control_length)));
    }
    std::optional<Ipv4Endpoint> destination =
        TRY(destination_arg(*arg.socket, message.name, message.name_length));
    return sent_or_signal(send_iovecs(*arg.socket, iovecs, destination, flags), flags);
}

// recvmsg(fd, msg, flags): fills msg_iov, msg_name/msg_namelen, msg_flags (MSG_TRUNC for a
// datagram cut short), and msg_controllen = 0.
Result<int64_t> sys_recvmsg(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    uint32_t flags = static_cast<uint32_t>(args.a[2]);
    MsgHdr message = TRY(read_user<MsgHdr>(args.a[1]));
    if (static_cast<int32_t>(message.name_length) < 0) return Errno::EINVAL;
    std::vector<Iovec> iovecs = TRY(read_iovecs(message.iov, message.iov_count));
    bool datagram = arg.socket->type() == kSockDgram;
    SocketReceived received;
    if (iovecs.size() == 1) {
        IoBuffer buffer = IoBuffer::user(iovecs[0].base, iovecs[0].length);
        received = TRY(arg.socket->receive(buffer, flags));
    } else {
        // Several iovecs: receive once into a bounce buffer (a peek must not repeat), then scatter.
        size_t capacity = std::min<uint64_t>(total_length(iovecs), datagram ? kMaxDatagram : kStreamBounce);
        std::vector<uint8_t> bounce(capacity);
        IoBuffer buffer = IoBuffer::kernel(bounce);
        received = TRY(arg.socket->receive(buffer, flags));
        TRY(scatter(iovecs, bounce.data(), received.copied));
    }
    uint32_t name_length = 0;
    if (message.name && received.source) {
        SockaddrIn in{};
        in.family = kAfInet;
        in.port_be = port_to_network(received.source->port);
        in.address_be = received.source->address.value_be;
        size_t n = std::min<size_t>(message.name_length, sizeof(in));
        if (n) TRY(copy_to_user(message.name, &in, n));
        name_length = sizeof(in);
    }
    message.name_length = name_length;
    message.flags = received.length > received.copied ? kMsgTrunc : 0;
    uint64_t control_room = message.control_length;
    message.control_length = 0;
    if (LocalSocketFile* local = LocalSocketFile::from(*arg.socket); local && received.copied > 0)
        message.control_length = TRY(deliver_passed_files(local->take_received_files(), message.control,
                                                          control_room, flags, message.flags));
    TRY(write_user(args.a[1], message));
    return static_cast<int64_t>(datagram && (flags & kMsgTrunc) ? received.length : received.copied);
}

}  // namespace ingot
