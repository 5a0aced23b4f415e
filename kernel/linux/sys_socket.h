// Handlers of the socket family (socket(2), socket(7), ip(7), tcp(7), udp(7)). Each takes the
// raw arguments and returns the value for rax or an errno (see linux/syscall.h).
// x86-64 numbers: socket 41, connect 42, accept 43, sendto 44, recvfrom 45, sendmsg 46,
// recvmsg 47, shutdown 48, bind 49, listen 50, getsockname 51, getpeername 52,
// setsockopt 54, getsockopt 55, accept4 288.
#pragma once

#include <fs/open_file.h>
#include <linux/syscall.h>
#include <net/socket/socket_file.h>

namespace ingot {

// sys_socket.cpp
Result<int64_t> sys_socket(const SyscallArgs&);
Result<int64_t> sys_socketpair(const SyscallArgs&);
Result<int64_t> sys_bind(const SyscallArgs&);
Result<int64_t> sys_listen(const SyscallArgs&);
Result<int64_t> sys_accept(const SyscallArgs&);
Result<int64_t> sys_accept4(const SyscallArgs&);
Result<int64_t> sys_connect(const SyscallArgs&);
Result<int64_t> sys_shutdown(const SyscallArgs&);
Result<int64_t> sys_getsockname(const SyscallArgs&);
Result<int64_t> sys_getpeername(const SyscallArgs&);

// sys_socket_io.cpp
Result<int64_t> sys_sendto(const SyscallArgs&);
Result<int64_t> sys_recvfrom(const SyscallArgs&);
Result<int64_t> sys_sendmsg(const SyscallArgs&);
Result<int64_t> sys_recvmsg(const SyscallArgs&);

// sys_socket_options.cpp
Result<int64_t> sys_setsockopt(const SyscallArgs&);
Result<int64_t> sys_getsockopt(const SyscallArgs&);

namespace socket_args {

// A socket descriptor argument: the open file (kept alive) and the socket behind it.
struct SocketArg {
    OpenFileRef file;
    net::SocketFile* socket = nullptr;
};
// EBADF when fd is not open, ENOTSOCK when it is not a socket.
Result<SocketArg> socket_arg(uint64_t raw_fd);

}  // namespace socket_args
}  // namespace ingot
