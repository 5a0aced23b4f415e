// Everything in TCP that must be unpredictable to a peer, derived from one 16-byte secret
// with SipHash-2-4 and a distinct purpose byte per use.
#pragma once

#include <net/tcp/siphash.h>
#include <net/tcp/tcp_types.h>

#include <cstdint>

namespace ingot::net {

class TcpKeyedHash {
public:
    explicit TcpKeyedHash(const SipHashKey& key) : key_(key) {}

    // RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey) with M a
    // timer that ticks every 4 microseconds.
    uint32_t initial_sequence_number(const TcpFourTuple& tuple, uint64_t now_ns) const;
    // A per-connection offset for TSval (RFC 7323 §7.1), so timestamps leak no uptime and
    // differ between connections.
    uint32_t timestamp_offset(const TcpFourTuple& tuple) const;
    // RFC 6056 §3.3.3 (Algorithm 3): where the ephemeral port search starts for a connection
    // from local to remote.
    uint32_t port_offset(Ipv4Address local, Ipv4Endpoint remote) const;
    // Bucket hash for the connection table.
    uint64_t table_hash(const TcpFourTuple& tuple) const;

private:
    uint64_t hash(uint8_t purpose, const TcpFourTuple& tuple) const;

    SipHashKey key_;
};

}  // namespace ingot::net
