// socket, bind, listen, accept, accept4, connect, shutdown, getsockname, getpeername
// (socket(2) and friends, with the checks of Linux's net/socket.c and net/ipv4/af_inet.c).
#include <fs/fs_context.h>
#include <linux/sys_fs_util.h>
#include <linux/sys_socket.h>
#include <mm/user_memory.h>
#include <net/network_stack.h>
#include <net/socket/local_socket_file.h>
#include <net/socket/socket_address.h>
#include <net/socket/tcp_socket_file.h>
#include <net/socket/udp_socket_file.h>

#include <utility>

namespace ingot {

using namespace net;

namespace {

constexpr uint32_t kSockTypeMask = 0xf;
constexpr uint32_t kSockNonBlock = kOpenNonBlock;     // SOCK_NONBLOCK == O_NONBLOCK
constexpr uint32_t kSockCloseOnExec = kOpenCloseOnExec;  // SOCK_CLOEXEC == O_CLOEXEC
constexpr int kSockMax = 11;                          // SOCK_MAX
constexpr int kIpProtoMax = 256;
constexpr uint32_t kSomaxconn = 4096;                 // net.core.somaxconn

// Installs a new socket file; SOCK_CLOEXEC sets FD_CLOEXEC.
Result<int64_t> install_socket(OpenFileRef file, uint32_t flags) {
    int fd = TRY(current_fs().fds.install(std::move(file), flags & kSockCloseOnExec));
    return fd;
}

Result<int64_t> do_accept(const SyscallArgs& args, uint32_t flags) {
    if (flags & ~(kSockNonBlock | kSockCloseOnExec)) return Errno::EINVAL;
    socket_args::SocketArg listener = TRY(socket_args::socket_arg(args.a[0]));
    Ipv4Endpoint peer;
    OpenFileRef connection = TRY(listener.socket->accept(flags & kSockNonBlock, peer));
    int64_t fd = TRY(install_socket(std::move(connection), flags));
    if (args.a[1]) {
        Result<void> written = write_socket_address(args.a[1], args.a[2], peer);
        if (!written.ok()) {
            // __sys_accept4_file: the new descriptor is not handed out when the address cannot be.
            (void)current_fs().fds.close(static_cast<int>(fd));
            return written.error();
        }
    }
    return fd;
}

}  // namespace

namespace socket_args {

Result<SocketArg> socket_arg(uint64_t raw_fd) {
    SocketArg arg;
    arg.file = TRY(sys_fs::file_arg(raw_fd));
    arg.socket = SocketFile::from(*arg.file);
    if (!arg.socket) return Errno::ENOTSOCK;
    return arg;
}

}  // namespace socket_args

// socket(domain, type, protocol): AF_INET stream (TCP) and datagram (UDP) sockets.
Result<int64_t> sys_socket(const SyscallArgs& args) {
    int domain = sys_fs::int_arg(args.a[0]);
    uint32_t type_and_flags = static_cast<uint32_t>(args.a[1]);
    int protocol = sys_fs::int_arg(args.a[2]);
    if (type_and_flags & ~(kSockTypeMask | kSockNonBlock | kSockCloseOnExec)) return Errno::EINVAL;
    int type = static_cast<int>(type_and_flags & kSockTypeMask);
    if (type >= kSockMax) return Errno::EINVAL;  // __sock_create
    if (domain != kAfInet) return Errno::EAFNOSUPPORT;
    if (protocol < 0 || protocol >= kIpProtoMax) return Errno::EINVAL;  // inet_create
    uint32_t open_flags = type_and_flags & kSockNonBlock;
    NetworkStack* stack = machine_network();
    // inet_create: a type without an inet protocol is ESOCKTNOSUPPORT (raw sockets are not
    // offered), a protocol that does not go with the type EPROTONOSUPPORT.
    if (type == kSockStream) {
        if (protocol != 0 && protocol != kIpProtoTcp) return Errno::EPROTONOSUPPORT;
        return install_socket(OpenFileRef(new TcpSocketFile(stack, open_flags)), type_and_flags);
    }
    if (type == kSockDgram) {
        if (protocol != 0 && protocol != kIpProtoUdp) return Errno::EPROTONOSUPPORT;
        return install_socket(OpenFileRef(new UdpSocketFile(stack, open_flags)), type_and_flags);
    }
    return Errno::ESOCKTNOSUPPORT;
}

// socketpair(domain, type, protocol, sv[2]): a connected pair of local stream sockets.
Result<int64_t> sys_socketpair(const SyscallArgs& args) {
    int domain = sys_fs::int_arg(args.a[0]);
    uint32_t type_and_flags = static_cast<uint32_t>(args.a[1]);
    int protocol = sys_fs::int_arg(args.a[2]);
    if (type_and_flags & ~(kSockTypeMask | kSockNonBlock | kSockCloseOnExec)) return Errno::EINVAL;
    int type = static_cast<int>(type_and_flags & kSockTypeMask);
    if (domain == kAfInet) return Errno::EOPNOTSUPP;  // inet sockets come in pairs only by connecting
    if (domain != kAfLocal) return Errno::EAFNOSUPPORT;
    if (protocol != 0) return Errno::EPROTONOSUPPORT;
    if (type != kSockStream) return Errno::EOPNOTSUPP;  // local datagram and seqpacket pairs: not yet
    if (!is_user_range(args.a[3], 2 * sizeof(int32_t))) return Errno::EFAULT;
    OpenFileRef first, second;
    LocalSocketFile::create_pair(type_and_flags & kSockNonBlock, first, second);
    bool cloexec = type_and_flags & kSockCloseOnExec;
    int fd0 = TRY(current_fs().fds.install(std::move(first), cloexec));
    auto fd1 = current_fs().fds.install(std::move(second), cloexec);
    if (!fd1.ok()) {
        (void)current_fs().fds.close(fd0);
        return fd1.error();
    }
    int32_t fds[2] = {fd0, fd1.value()};
    if (auto written = copy_to_user(args.a[3], fds, sizeof(fds)); !written.ok()) {
        (void)current_fs().fds.close(fd0);
        (void)current_fs().fds.close(fd1.value());
        return written.error();
    }
    return 0;
}

// bind(fd, addr, addrlen)
Result<int64_t> sys_bind(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    SocketAddress address = TRY(read_socket_address(args.a[1], args.a[2]));
    if (!address.complete) return Errno::EINVAL;  // inet_bind: shorter than sockaddr_in
    // inet_bind: AF_UNSPEC passes as AF_INET only with INADDR_ANY, for old programs.
    bool unspecified_any = address.family == kAfUnspec && address.endpoint.address.is_unspecified();
    if (address.family != kAfInet && !unspecified_any) return Errno::EAFNOSUPPORT;
    TRY(arg.socket->bind(address.endpoint));
    return 0;
}

// listen(fd, backlog): the backlog is capped at somaxconn, as Linux does silently.
Result<int64_t> sys_listen(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    uint32_t backlog = static_cast<uint32_t>(args.a[1]);  // negative values wrap past the cap
    if (backlog > kSomaxconn) backlog = kSomaxconn;
    if (backlog == 0) backlog = 1;  // a backlog of 0 still admits one connection
    TRY(arg.socket->listen(backlog));
    return 0;
}

// accept(fd, addr, addrlen) is accept4 with no flags.
Result<int64_t> sys_accept(const SyscallArgs& args) { return do_accept(args, 0); }

// accept4(fd, addr, addrlen, flags): SOCK_NONBLOCK and SOCK_CLOEXEC for the new descriptor.
Result<int64_t> sys_accept4(const SyscallArgs& args) { return do_accept(args, static_cast<uint32_t>(args.a[3])); }

// connect(fd, addr, addrlen); AF_UNSPEC dissolves an association (connect(2)).
Result<int64_t> sys_connect(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    SocketAddress address = TRY(read_socket_address(args.a[1], args.a[2]));
    if (address.family == kAfUnspec) {
        TRY(arg.socket->disconnect());
        return 0;
    }
    if (!address.complete) return Errno::EINVAL;
    if (address.family != kAfInet) return Errno::EAFNOSUPPORT;
    TRY(arg.socket->connect(address.endpoint));
    return 0;
}

// shutdown(fd, how): SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2.
Result<int64_t> sys_shutdown(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    int how = sys_fs::int_arg(args.a[1]);
    if (how < 0 || how > 2) return Errno::EINVAL;
    TRY(arg.socket->shutdown(how));
    return 0;
}

// getsockname(fd, addr, addrlen): 0.0.0.0:0 before bind, as Linux reports.
namespace {

// An unnamed local socket's address is its family alone (unix(7), "unnamed").
Result<void> write_unnamed_local_address(uint64_t user_address, uint64_t user_length) {
    int32_t length = TRY(read_user<int32_t>(user_length));
    if (length < 0) return Errno::EINVAL;
    uint16_t family = kAfLocal;
    if (length > 0) TRY(copy_to_user(user_address, &family, length < 2 ? static_cast<size_t>(length) : 2));
    TRY(write_user(user_length, int32_t{2}));
    return {};
}

}  // namespace

Result<int64_t> sys_getsockname(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    if (arg.socket->family() == kAfLocal) {
        TRY(write_unnamed_local_address(args.a[1], args.a[2]));
        return 0;
    }
    TRY(write_socket_address(args.a[1], args.a[2], arg.socket->local_name()));
    return 0;
}

// getpeername(fd, addr, addrlen): ENOTCONN without a peer.
Result<int64_t> sys_getpeername(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    if (arg.socket->family() == kAfLocal) {
        TRY(write_unnamed_local_address(args.a[1], args.a[2]));
        return 0;
    }
    Ipv4Endpoint peer = TRY(arg.socket->peer_name());
    TRY(write_socket_address(args.a[1], args.a[2], peer));
    return 0;
}

}  // namespace ingot
