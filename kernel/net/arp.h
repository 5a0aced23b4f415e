// ARP for IPv4 over Ethernet (RFC 826, RFC 1122 §2.3.2): a neighbour cache with expiry,
// answers to requests for our address, learning per the RFC 826 "packet reception" algorithm,
// resolution on send with a small per-neighbour queue and retried requests, and gratuitous
// announcements (RFC 5227 §2.3).
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/arp_packet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::net {

struct ArpLimits {
    uint64_t reachable_time_ns = 60'000'000'000ull;  // how long a learned mapping is trusted
    uint64_t retry_interval_ns = 1'000'000'000ull;   // between requests for one address
    uint32_t max_requests = 3;                       // before the neighbour counts as unreachable
    uint64_t failed_hold_ns = 3'000'000'000ull;      // sends fail fast this long after that
    // Bytes of datagrams waiting for one resolution, as Linux's unres_qlen_bytes limits them:
    // a burst of connections from one peer (a SYN-ACK each) must not lose all but a few, which
    // would then wait a full retransmission timeout. Each datagram counts kQueuedOverhead
    // bytes more, for its allocation.
    size_t max_queued_bytes_per_neighbour = 64 * 1024;
    // And for all neighbours together: a program sending to many addresses that never answer
    // must not fill the kernel's memory.
    size_t max_queued_bytes_total = 256 * 1024;
    uint32_t announcements = 2;                      // RFC 5227 ANNOUNCE_NUM
    uint64_t announce_interval_ns = 2'000'000'000ull;  // RFC 5227 ANNOUNCE_INTERVAL
};

struct ArpStatistics {
    uint64_t requests_received = 0;
    uint64_t replies_received = 0;
    uint64_t requests_sent = 0;
    uint64_t replies_sent = 0;
    uint64_t malformed = 0;             // failed ArpPacket::parse
    uint64_t ignored = 0;               // from ourselves, from a group address, or unconfigured
    uint64_t resolutions_failed = 0;    // neighbours that never answered
    uint64_t queue_overflows = 0;       // queued datagrams dropped to make room
    uint64_t unreachable_dropped = 0;   // queued datagrams dropped after a failed resolution
    uint64_t cache_full = 0;            // sends refused because every entry was resolving
};

// What ARP needs from the link below it; the Interface implements it.
class ArpLink {
public:
    // Our Ethernet and IPv4 addresses (the latter unspecified while unconfigured).
    virtual MacAddress arp_hardware_address() const = 0;
    virtual Ipv4Address arp_protocol_address() const = 0;
    // Transmits an ARP packet in an Ethernet frame to destination.
    virtual void transmit_arp(const ArpFields& packet, MacAddress destination) = 0;
    // Transmits an IPv4 datagram in an Ethernet frame to destination.
    virtual void transmit_datagram(MacAddress destination, std::span<const uint8_t> datagram) = 0;
    // Reports a queued datagram dropped because its next hop never answered.
    virtual void report_unreachable(std::span<const uint8_t> datagram, uint64_t now_ns) = 0;

protected:
    ~ArpLink() = default;
};

class Arp {
public:
    static constexpr size_t cache_capacity = 32;

    explicit Arp(ArpLink& link, const ArpLimits& limits = {});

    // Handles an ARP packet (the Ethernet payload).
    void receive(std::span<const uint8_t> packet, uint64_t now_ns);

    // Sends an IPv4 datagram to next_hop: at once when its address is known (a stale mapping
    // is used while it is re-verified), else the datagram is copied into the neighbour's
    // queue and a request goes out. EHOSTUNREACH while a recent resolution of next_hop has
    // failed; ENOBUFS when the cache has no room.
    Result<void> send(Ipv4Address next_hop, std::span<const uint8_t> datagram, uint64_t now_ns);

    // Retries requests, fails neighbours that did not answer, expires old entries and sends
    // scheduled announcements.
    void poll(uint64_t now_ns);

    // Broadcasts a gratuitous ARP announcement of our address now and schedules the rest of
    // ArpLimits::announcements (RFC 5227 §2.3), so that neighbours update stale caches.
    void announce(uint64_t now_ns);

    // The hardware address known for ip (fresh or stale), for diagnostics and tests.
    std::optional<MacAddress> lookup(Ipv4Address ip) const;

    // Forgets every entry and drops queued datagrams (after an address change).
    void flush();

    // The earliest time poll() has work to do, or nullopt (for the kernel's timer).
    std::optional<uint64_t> next_deadline() const;

    const ArpStatistics& statistics() const { return statistics_; }

private:
    enum class State : uint8_t {
        Free,
        Incomplete,  // address unknown; requests going out, datagrams queued
        Reachable,   // address known; trusted until deadline
        Probing,     // address known but past its lifetime; still used while re-verified
        Failed,      // no answer; sends fail until deadline
    };

    struct Entry {
        State state = State::Free;
        Ipv4Address ip;
        MacAddress mac;
        uint64_t deadline_ns = 0;   // next request (Incomplete, Probing) or expiry (others)
        uint32_t requests_sent = 0;
        std::vector<std::vector<uint8_t>> queue;
        size_t queued_bytes = 0;
    };

    // Queues a datagram for an Incomplete entry, dropping its oldest past the byte limits.
    void enqueue(Entry& entry, std::span<const uint8_t> datagram);
    // Empties an entry's queue, handing its datagrams to the caller.
    std::vector<std::vector<uint8_t>> take_queue(Entry& entry);
    static constexpr size_t kQueuedOverhead = 64;
    size_t queued_bytes_total_ = 0;

    Entry* find(Ipv4Address ip);
    const Entry* find(Ipv4Address ip) const;
    // A free entry, or the least valuable settled one; nullptr when all are resolving.
    Entry* allocate();
    void send_request(Entry& entry, uint64_t now_ns);
    void learn(Entry& entry, MacAddress mac, uint64_t now_ns);
    void fail(Entry& entry, uint64_t now_ns);

    ArpLink& link_;
    ArpLimits limits_;
    std::array<Entry, cache_capacity> entries_;
    uint32_t announcements_left_ = 0;
    uint64_t next_announcement_ns_ = 0;
    ArpStatistics statistics_;
};

}  // namespace ingot::net
