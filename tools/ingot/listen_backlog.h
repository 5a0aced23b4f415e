// The listen backlog of the host ports QEMU's user network forwards (`ingot run -p`).
//
// libslirp (QEMU's user network; 4.7 in Debian 12) listens on each forwarded host port with
// listen(fd, 1). The host's TCP then holds at most two connections that QEMU has not
// accept()ed yet; while QEMU is busy running the guest, a burst of connections (wrk -c32)
// overflows that queue, and Linux drops the SYN or the handshake's final ACK
// (TcpExtListenOverflows). The client then waits for a retransmission timer: the SYN after
// 1 s, or, having sent its request already, for our side's SYN,ACK retransmission after 1 s
// and its own request retransmission after that: 1-3 s for a request the guest never saw.
//
// QEMU offers no option for the backlog, but listen() on a socket that is already listening
// only changes its backlog, and pidfd_getfd() (Linux 5.6) lets ingot, QEMU's parent, hold
// the same socket: so ingot calls listen() again with SOMAXCONN once QEMU has opened it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::tool {

// The socket inodes in state LISTEN on local port `port` in a table formatted like
// /proc/net/tcp or /proc/net/tcp6 (the heading line, then one socket a line).
std::vector<uint64_t> listening_socket_inodes(std::string_view table, uint16_t port);

struct BacklogChange {
    std::vector<uint16_t> raised;   // ports whose listening sockets now have the new backlog
    std::vector<uint16_t> missing;  // ports `pid` has no listening socket on (yet)
    std::string error;              // why the change failed (the others are then not tried)
};

// Calls listen(backlog) on every TCP socket that process `pid` listens with on one of `ports`,
// through duplicates taken with pidfd_getfd(): that needs the right to ptrace `pid` (a parent
// has it under Yama's default ptrace_scope 1).
BacklogChange raise_listen_backlog(pid_t pid, std::span<const uint16_t> ports, int backlog);

}  // namespace ingot::tool
