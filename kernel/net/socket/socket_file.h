// A socket as an open file (socket(7)): what socket(2) and accept(2) install in the descriptor
// table. read/write/poll/fstat work through OpenFile; the socket calls reach the transport
// through the virtual operations below. TcpSocketFile and UdpSocketFile implement them.
#pragma once

#include <fs/open_file.h>
#include <lib/result.h>
#include <net/net_types.h>
#include <net/tcp/tcp_types.h>

#include <cstdint>
#include <optional>

namespace ingot::net {

inline constexpr int kSockStream = 1;  // SOCK_STREAM
inline constexpr int kSockDgram = 2;   // SOCK_DGRAM
inline constexpr int kIpProtoTcp = 6;
inline constexpr int kIpProtoUdp = 17;

// send(2)/recv(2) flags.
inline constexpr uint32_t kMsgOob = 0x1, kMsgPeek = 0x2, kMsgDontRoute = 0x4, kMsgCtrunc = 0x8,
                          kMsgTrunc = 0x20, kMsgDontWait = 0x40, kMsgEor = 0x80, kMsgWaitAll = 0x100, kMsgConfirm = 0x800,
                          kMsgNoSignal = 0x4000, kMsgMore = 0x8000, kMsgCmsgCloexec = 0x40000000;

// poll(2) bits beyond open_file.h's.
inline constexpr uint32_t kPollReadHangUp = 0x2000;  // POLLRDHUP

// The SOL_SOCKET and per-protocol settings a socket carries (socket(7), tcp(7)).
struct SocketSettings {
    bool reuse_address = false;
    bool reuse_port = false;
    bool broadcast = false;
    bool linger_on = false;
    int linger_seconds = 0;
    uint64_t receive_timeout_ns = ~0ull;  // SO_RCVTIMEO; ~0: wait forever
    uint64_t send_timeout_ns = ~0ull;     // SO_SNDTIMEO
    uint32_t send_buffer_reported = 0;    // what getsockopt(SO_SNDBUF) says
    uint32_t receive_buffer_reported = 0;
    TcpSocketOptions tcp;                 // buffer sizes and keepalive also apply to UDP
};

// What one receive produced.
struct SocketReceived {
    size_t copied = 0;                   // bytes written to the caller's buffer
    size_t length = 0;                   // a datagram's full length (MSG_TRUNC), else copied
    std::optional<Ipv4Endpoint> source;  // the sender, where the protocol knows one
};

class SocketFile : public OpenFile {
public:
    // The socket behind an open file, or null when it is not one (only sockets report S_IFSOCK).
    static SocketFile* from(OpenFile& file);

    int type() const { return type_; }
    // The address family: AF_INET for TCP and UDP, AF_UNIX for local sockets.
    virtual int family() const { return 2; }  // AF_INET
    int protocol() const { return type_ == kSockStream ? kIpProtoTcp : kIpProtoUdp; }
    SocketSettings& settings() { return settings_; }
    const SocketSettings& settings() const { return settings_; }

    // bind(2) to local (address any() or ours; port 0: an ephemeral port).
    virtual Result<void> bind(Ipv4Endpoint local) = 0;
    // listen(2) with a backlog already clamped to 1..somaxconn; EOPNOTSUPP for datagrams.
    virtual Result<void> listen(uint32_t backlog) = 0;
    // accept4(2): the next connection as a new socket file with open_flags (O_NONBLOCK), and
    // its peer's address.
    virtual Result<OpenFileRef> accept(uint32_t open_flags, Ipv4Endpoint& peer) = 0;
    // connect(2) to remote; disconnect() is connect with AF_UNSPEC.
    virtual Result<void> connect(Ipv4Endpoint remote) = 0;
    virtual Result<void> disconnect() = 0;
    // send/sendto: flags are MSG_* (MSG_NOSIGNAL is the caller's business).
    virtual Result<size_t> send(IoBuffer& src, std::optional<Ipv4Endpoint> destination, uint32_t flags) = 0;
    // recv/recvfrom.
    virtual Result<SocketReceived> receive(IoBuffer& dst, uint32_t flags) = 0;
    // shutdown(2); how is SHUT_RD, SHUT_WR or SHUT_RDWR (0..2, already checked).
    virtual Result<void> shutdown(int how) = 0;
    // getsockname(2) / getpeername(2) (ENOTCONN without a peer).
    virtual Ipv4Endpoint local_name() const = 0;
    virtual Result<Ipv4Endpoint> peer_name() const = 0;
    // SO_ERROR: the pending error (0 when none), cleared by reading it.
    virtual int take_error() = 0;
    virtual bool is_listening() const { return false; }
    // Pushes settings().tcp to the transport after setsockopt changed it.
    virtual void apply_settings() = 0;
    // TCP_MAXSEG: the payload bytes per segment (536 before a connection, as Linux).
    virtual uint32_t max_segment() const { return 536; }

    // OpenFile: read/write are recv/send without flags and without an address.
    Result<size_t> read(IoBuffer& dst) override;
    Result<size_t> write(IoBuffer& src) override;
    InodeStat stat() const override;
    OwnedString describe() const override;

protected:
    SocketFile(int type, uint32_t open_flags);
    // Whether a call with these flags must not wait.
    bool must_not_wait(uint32_t flags) const { return is_nonblocking() || (flags & kMsgDontWait); }
    // The absolute deadline for a blocking receive or send (SO_RCVTIMEO / SO_SNDTIMEO).
    uint64_t deadline(bool sending) const;

private:
    int type_;
    uint64_t inode_number_;
    SocketSettings settings_;
};

}  // namespace ingot::net
