// UDP (RFC 768, RFC 1122 §4.1): the table of endpoints, demultiplexing of received datagrams
// to them, port allocation, and ICMP port unreachable for datagrams nobody wanted.
#pragma once

#include <net/icmp.h>
#include <net/ip_output.h>
#include <net/net_types.h>
#include <net/protocol_handler.h>

#include <cstddef>
#include <cstdint>

namespace ingot::net {

class UdpEndpoint;

struct UdpStatistics {
    uint64_t received = 0;
    uint64_t delivered = 0;
    uint64_t malformed = 0;        // bad length
    uint64_t checksum_errors = 0;
    uint64_t no_port = 0;          // no endpoint matched (port unreachable sent if allowed)
    uint64_t queue_full = 0;       // the endpoint's receive queue had no room
    uint64_t sent = 0;
    uint64_t send_errors = 0;
    uint64_t errors_received = 0;  // ICMP errors about datagrams we sent
};

class Udp final : public ProtocolHandler {
public:
    // The dynamic port range (RFC 6335 §6), used for ephemeral ports as Linux configures it.
    static constexpr uint16_t ephemeral_first = 49152;
    static constexpr uint16_t ephemeral_last = 65535;

    // Sends through output; icmp (may be null) reports closed ports. port_seed picks where
    // the ephemeral port search starts (RFC 6056 §3.3.1: unpredictable ports resist
    // blind attacks; pass a random value).
    Udp(Ipv4Output& output, Icmp* icmp, uint32_t port_seed = 0);
    Udp(const Udp&) = delete;
    Udp& operator=(const Udp&) = delete;
    // Every endpoint must be destroyed before its Udp.
    ~Udp() override = default;

    // Checks length and checksum (RFC 1122 §4.1.3.4: silently discard on a bad checksum) and
    // queues the datagram on the most specific matching endpoint: connected before bound to
    // the destination address before bound to any address.
    void receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) override;

    // An ICMP error about a datagram we sent becomes the pending error of the connected
    // endpoint that sent it (as Linux does without IP_RECVERR).
    void receive_error(const Ipv4Packet& original, Errno error, uint64_t now_ns) override;

    const UdpStatistics& statistics() const { return statistics_; }

private:
    friend class UdpEndpoint;

    void attach(UdpEndpoint& endpoint);
    void detach(UdpEndpoint& endpoint);
    // Whether binding (address, port) would clash with another bound endpoint.
    bool port_in_use(Ipv4Address address, uint16_t port, const UdpEndpoint* except) const;
    // A free port from the ephemeral range; EAGAIN when all are taken (as Linux).
    Result<uint16_t> allocate_port(Ipv4Address address);

    Ipv4Output& output_;
    Icmp* icmp_;
    uint32_t next_ephemeral_;
    UdpEndpoint* first_ = nullptr;
    UdpStatistics statistics_;
};

}  // namespace ingot::net
