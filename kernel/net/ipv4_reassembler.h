// Reassembly of fragmented IPv4 datagrams (RFC 791 §3.2 "Fragmentation and Reassembly",
// RFC 1122 §3.3.2), with the limits that keep it from being a memory or CPU sink:
// a few datagrams in progress at once, each no larger than 65535 bytes, a timeout, and no
// overlapping fragments at all (any overlap or duplicate drops the whole datagram, as Linux
// does since the "FragmentSmack" fixes and RFC 5722 requires for IPv6).
#pragma once

#include <net/net_types.h>
#include <net/wire/ipv4_packet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ingot::net {

struct ReassemblyLimits {
    size_t max_datagrams = 4;                 // in progress at once
    uint64_t timeout_ns = 30'000'000'000ull;  // from the first fragment (RFC 1122 §3.3.2)
};

struct ReassemblyStatistics {
    uint64_t fragments_received = 0;
    uint64_t datagrams_reassembled = 0;
    uint64_t dropped_overlap = 0;      // datagrams dropped for overlapping or duplicate pieces
    uint64_t dropped_malformed = 0;    // fragments with bad sizes, or past 65535 bytes
    uint64_t dropped_timeout = 0;      // datagrams not completed in time
    uint64_t dropped_evicted = 0;      // datagrams pushed out by a newer one
};

class Ipv4Reassembler {
public:
    explicit Ipv4Reassembler(const ReassemblyLimits& limits = {});

    // Adds one fragment (fragment.is_fragment() is true). When it completes its datagram,
    // returns the reassembled datagram (offset 0, MF clear, total length and header checksum
    // updated); the view stays valid until the next add(). Otherwise nullopt.
    std::optional<Ipv4Packet> add(const Ipv4Packet& fragment, uint64_t now_ns);

    // Drops datagrams whose timeout passed.
    void poll(uint64_t now_ns);

    // The earliest timeout of a datagram in progress, or nullopt.
    std::optional<uint64_t> next_deadline() const;

    // Datagrams now in progress.
    size_t in_progress() const;

    const ReassemblyStatistics& statistics() const { return statistics_; }

private:
    static constexpr size_t max_payload = 65535 - Ipv4Packet::min_header_size;
    static constexpr size_t unit = 8;  // fragment offsets count 8-byte units

    struct Slot {
        bool used = false;
        Ipv4Address source;
        Ipv4Address destination;
        uint8_t protocol = 0;
        uint16_t identification = 0;
        uint64_t deadline_ns = 0;
        std::array<uint8_t, Ipv4Packet::max_header_size> first_header{};
        size_t first_header_length = 0;  // 0 until the offset-0 fragment arrives
        std::vector<uint8_t> payload;
        std::vector<uint8_t> received_units;  // one bit per 8-byte unit
        size_t received_bytes = 0;
        std::optional<size_t> total_payload;  // known once the last fragment (MF clear) arrives
    };

    Slot& slot_for(const Ipv4Packet& fragment, uint64_t now_ns);
    void release(Slot& slot);
    // Marks [begin_unit, end_unit) received; false if any of them already was.
    static bool mark_units(Slot& slot, size_t begin_unit, size_t end_unit);
    std::optional<Ipv4Packet> complete(Slot& slot);

    ReassemblyLimits limits_;
    std::vector<Slot> slots_;
    std::vector<uint8_t> completed_;
    ReassemblyStatistics statistics_;
};

}  // namespace ingot::net
