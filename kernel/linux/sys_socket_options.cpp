// setsockopt and getsockopt (socket(7) SOL_SOCKET options, tcp(7) IPPROTO_TCP options).
#include <lib/clock.h>
#include <linux/sys_socket.h>
#include <mm/user_memory.h>
#include <net/socket/socket_address.h>
#include <net/socket/socket_file.h>

#include <algorithm>
#include <cstring>

namespace ingot {

using namespace net;

namespace {

constexpr int kSolSocket = 1;
constexpr int kSolTcp = 6;  // IPPROTO_TCP

enum : int {
    kSoReuseAddr = 2, kSoType = 3, kSoError = 4, kSoBroadcast = 6, kSoSndBuf = 7, kSoRcvBuf = 8,
    kSoKeepAlive = 9, kSoLinger = 13, kSoReusePort = 15, kSoRcvTimeoOld = 20, kSoSndTimeoOld = 21,
    kSoAcceptConn = 30, kSoProtocol = 38, kSoDomain = 39, kSoRcvTimeoNew = 66, kSoSndTimeoNew = 67,
};
enum : int { kTcpNoDelay = 1, kTcpMaxSeg = 2, kTcpCork = 3, kTcpKeepIdle = 4, kTcpKeepIntvl = 5, kTcpKeepCnt = 6 };

// sysctl net.core.wmem_max / rmem_max and the floors of sock_setsockopt.
constexpr uint32_t kBufferMax = 212992;
constexpr uint32_t kSendBufferMin = 4608;     // SOCK_MIN_SNDBUF
constexpr uint32_t kReceiveBufferMin = 2304;  // SOCK_MIN_RCVBUF

struct Linger {
    int32_t on;
    int32_t seconds;
};
struct Timeval {
    int64_t sec, usec;
};

// What the stack gets for a reported buffer size: Linux counts bookkeeping in the doubled
// value; the byte buffer itself stays within TCP's supported range.
uint32_t stack_buffer_size(uint32_t reported) {
    return std::clamp(reported, kTcpMinBufferSize, kTcpMaxBufferSize);
}

// SO_SNDBUF/SO_RCVBUF (socket(7)): the kernel doubles the requested value (bookkeeping
// overhead), capped and floored as Linux does, and reports the double.
uint32_t doubled_buffer_size(int requested, uint32_t minimum) {
    uint32_t capped = std::min<uint32_t>(static_cast<uint32_t>(std::max(requested, 0)), kBufferMax);
    return std::max(capped * 2, minimum);
}

Result<int64_t> set_timeout(uint64_t user, uint32_t length, uint64_t& timeout_ns) {
    if (length < sizeof(Timeval)) return Errno::EINVAL;
    Timeval tv = TRY(read_user<Timeval>(user));
    // sock_set_timeout: usec outside [0, 1e6) is EDOM; a negative time means "do not wait";
    // zero means "wait forever".
    if (tv.usec < 0 || tv.usec >= 1'000'000) return Errno::EDOM;
    if (tv.sec < 0) {
        timeout_ns = 0;
    } else if (tv.sec == 0 && tv.usec == 0) {
        timeout_ns = ~0ull;
    } else if (static_cast<uint64_t>(tv.sec) > (~0ull >> 2) / kNanosPerSecond) {
        timeout_ns = ~0ull;
    } else {
        timeout_ns = static_cast<uint64_t>(tv.sec) * kNanosPerSecond + static_cast<uint64_t>(tv.usec) * 1000;
    }
    return 0;
}

Result<int64_t> set_socket_level(SocketFile& socket, int name, uint64_t user, uint32_t length) {
    SocketSettings& s = socket.settings();
    switch (name) {
    case kSoLinger: {
        if (length < sizeof(Linger)) return Errno::EINVAL;
        Linger linger = TRY(read_user<Linger>(user));
        s.linger_on = linger.on != 0;
        s.linger_seconds = linger.seconds < 0 ? 0 : linger.seconds;
        // Only an abortive close (l_linger 0) changes what close() does here.
        s.tcp.linger_abort = s.linger_on && linger.seconds == 0;
        socket.apply_settings();
        return 0;
    }
    case kSoRcvTimeoOld:
    case kSoRcvTimeoNew: return set_timeout(user, length, s.receive_timeout_ns);
    case kSoSndTimeoOld:
    case kSoSndTimeoNew: return set_timeout(user, length, s.send_timeout_ns);
    default: break;
    }
    if (length < sizeof(int)) return Errno::EINVAL;
    int value = TRY(read_user<int>(user));
    bool on = value != 0;
    switch (name) {
    case kSoReuseAddr: s.reuse_address = on; return 0;
    case kSoReusePort: s.reuse_port = on; return 0;
    case kSoBroadcast: s.broadcast = on; return 0;
    case kSoKeepAlive:
        s.tcp.keepalive = on;
        socket.apply_settings();
        return 0;
    case kSoSndBuf:
        s.send_buffer_reported = doubled_buffer_size(value, kSendBufferMin);
        s.tcp.send_buffer_size = stack_buffer_size(s.send_buffer_reported);
        socket.apply_settings();
        return 0;
    case kSoRcvBuf:
        s.receive_buffer_reported = doubled_buffer_size(value, kReceiveBufferMin);
        s.tcp.receive_buffer_size = stack_buffer_size(s.receive_buffer_reported);
        socket.apply_settings();
        return 0;
    default: return Errno::ENOPROTOOPT;  // read-only (SO_TYPE, SO_ERROR, ...) or unknown
    }
}

Result<int64_t> set_tcp_level(SocketFile& socket, int name, uint64_t user, uint32_t length) {
    if (length < sizeof(int)) return Errno::EINVAL;
    int value = TRY(read_user<int>(user));
    TcpSocketOptions& t = socket.settings().tcp;
    switch (name) {
    case kTcpNoDelay: t.no_delay = value != 0; break;
    case kTcpCork: t.cork = value != 0; break;
    case kTcpMaxSeg:
        // do_tcp_setsockopt: 88..32767 (TCP_MIN_MSS..MAX_TCP_WINDOW); the MSS the stack
        // negotiates already respects the path, so the clamp is recorded only.
        if (value && (value < 88 || value > 32767)) return Errno::EINVAL;
        return 0;
    case kTcpKeepIdle:
        if (value < 1 || value > 32767) return Errno::EINVAL;  // MAX_TCP_KEEPIDLE
        t.keepalive_idle_ns = static_cast<uint64_t>(value) * kTcpSecond;
        break;
    case kTcpKeepIntvl:
        if (value < 1 || value > 32767) return Errno::EINVAL;  // MAX_TCP_KEEPINTVL
        t.keepalive_interval_ns = static_cast<uint64_t>(value) * kTcpSecond;
        break;
    case kTcpKeepCnt:
        if (value < 1 || value > 127) return Errno::EINVAL;  // MAX_TCP_KEEPCNT
        t.keepalive_probes = static_cast<uint32_t>(value);
        break;
    default: return Errno::ENOPROTOOPT;
    }
    socket.apply_settings();
    return 0;
}

// Writes an option value: at most *optlen bytes of it, and the length written into optlen.
Result<int64_t> put_option(uint64_t user, uint64_t user_length, int length, const void* value, size_t size) {
    size_t n = std::min<size_t>(static_cast<size_t>(length), size);
    if (n) TRY(copy_to_user(user, value, n));
    TRY(write_user(user_length, static_cast<int>(n)));
    return 0;
}

Timeval to_timeval(uint64_t timeout_ns) {
    if (timeout_ns == ~0ull) return {0, 0};
    return {static_cast<int64_t>(timeout_ns / kNanosPerSecond),
            static_cast<int64_t>(timeout_ns % kNanosPerSecond / 1000)};
}

Result<int64_t> get_option(SocketFile& socket, int level, int name, uint64_t user, uint64_t user_length,
                           int length) {
    const SocketSettings& s = socket.settings();
    int value = 0;
    if (level == kSolSocket) {
        switch (name) {
        case kSoLinger: {
            Linger linger{s.linger_on ? 1 : 0, s.linger_seconds};
            return put_option(user, user_length, length, &linger, sizeof(linger));
        }
        case kSoRcvTimeoOld:
        case kSoRcvTimeoNew: {
            Timeval tv = to_timeval(s.receive_timeout_ns);
            return put_option(user, user_length, length, &tv, sizeof(tv));
        }
        case kSoSndTimeoOld:
        case kSoSndTimeoNew: {
            Timeval tv = to_timeval(s.send_timeout_ns);
            return put_option(user, user_length, length, &tv, sizeof(tv));
        }
        case kSoReuseAddr: value = s.reuse_address; break;
        case kSoReusePort: value = s.reuse_port; break;
        case kSoBroadcast: value = s.broadcast; break;
        case kSoKeepAlive: value = s.tcp.keepalive; break;
        case kSoSndBuf: value = static_cast<int>(s.send_buffer_reported); break;
        case kSoRcvBuf: value = static_cast<int>(s.receive_buffer_reported); break;
        case kSoType: value = socket.type(); break;
        case kSoProtocol: value = socket.protocol(); break;
        case kSoDomain: value = kAfInet; break;
        case kSoAcceptConn: value = socket.is_listening(); break;
        case kSoError: value = socket.take_error(); break;
        default: return Errno::ENOPROTOOPT;
        }
    } else if (level == kSolTcp && socket.type() == kSockStream) {
        switch (name) {
        case kTcpNoDelay: value = s.tcp.no_delay; break;
        case kTcpCork: value = s.tcp.cork; break;
        case kTcpMaxSeg: value = static_cast<int>(socket.max_segment()); break;
        case kTcpKeepIdle: value = static_cast<int>(s.tcp.keepalive_idle_ns / kTcpSecond); break;
        case kTcpKeepIntvl: value = static_cast<int>(s.tcp.keepalive_interval_ns / kTcpSecond); break;
        case kTcpKeepCnt: value = static_cast<int>(s.tcp.keepalive_probes); break;
        default: return Errno::ENOPROTOOPT;
        }
    } else {
        return Errno::ENOPROTOOPT;
    }
    return put_option(user, user_length, length, &value, sizeof(value));
}

}  // namespace

// setsockopt(fd, level, optname, optval, optlen)
Result<int64_t> sys_setsockopt(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    int level = static_cast<int>(args.a[1]);
    int name = static_cast<int>(args.a[2]);
    int length = static_cast<int>(args.a[4]);
    if (length < 0) return Errno::EINVAL;  // __sys_setsockopt
    uint32_t optlen = static_cast<uint32_t>(length);
    if (level == kSolSocket) return set_socket_level(*arg.socket, name, args.a[3], optlen);
    if (level == kSolTcp && arg.socket->type() == kSockStream)
        return set_tcp_level(*arg.socket, name, args.a[3], optlen);
    return Errno::ENOPROTOOPT;
}

// getsockopt(fd, level, optname, optval, optlen): *optlen in, the written length out.
Result<int64_t> sys_getsockopt(const SyscallArgs& args) {
    socket_args::SocketArg arg = TRY(socket_args::socket_arg(args.a[0]));
    int level = static_cast<int>(args.a[1]);
    int name = static_cast<int>(args.a[2]);
    int length = TRY(read_user<int>(args.a[4]));
    if (length < 0) return Errno::EINVAL;
    return get_option(*arg.socket, level, name, args.a[3], args.a[4], length);
}

}  // namespace ingot
