// Shared helpers for the network stack tests: hex byte literals, a recording driver, a
// recording IPv4 output and a recording transport, and the addresses of a QEMU user-network
// guest (10.0.2.15 behind the 10.0.2.2 gateway).
#pragma once

#include <lib/result.h>
#include <net/frame_output.h>
#include <net/ip_output.h>
#include <net/net_types.h>
#include <net/protocol_handler.h>
#include <net/wire/ethernet_frame.h>
#include <net/wire/ipv4_packet.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace ingot::net::test {

inline constexpr MacAddress our_mac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
inline constexpr MacAddress gateway_mac{{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}};
inline constexpr MacAddress peer_mac{{0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc}};
inline constexpr Ipv4Address our_ip = Ipv4Address::from_octets(10, 0, 2, 15);
inline constexpr Ipv4Address gateway_ip = Ipv4Address::from_octets(10, 0, 2, 2);
inline constexpr Ipv4Address dns_ip = Ipv4Address::from_octets(10, 0, 2, 3);
inline constexpr Ipv4Address peer_ip = Ipv4Address::from_octets(10, 0, 2, 20);
inline constexpr Ipv4Address remote_ip = Ipv4Address::from_octets(93, 184, 216, 34);

inline constexpr uint64_t ms = 1'000'000;
inline constexpr uint64_t seconds = 1'000'000'000;

// Bytes from hex text; spaces, newlines and string-literal seams are ignored.
inline std::vector<uint8_t> hex(std::initializer_list<std::string_view> lines) {
    std::vector<uint8_t> bytes;
    int high = -1;
    for (std::string_view line : lines) {
        for (char c : line) {
            int v = (c >= '0' && c <= '9') ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
            if (v < 0) continue;
            if (high < 0) {
                high = v;
            } else {
                bytes.push_back(static_cast<uint8_t>(high << 4 | v));
                high = -1;
            }
        }
    }
    return bytes;
}

// An IPv4 datagram with a correct header (DF clear unless fields say otherwise).
inline std::vector<uint8_t> make_datagram(Ipv4HeaderFields fields, std::span<const uint8_t> payload) {
    fields.payload_length = static_cast<uint16_t>(payload.size());
    std::vector<uint8_t> bytes(Ipv4Packet::min_header_size + payload.size());
    (void)emit_ipv4_header(fields, bytes);
    if (!payload.empty()) std::memcpy(bytes.data() + Ipv4Packet::min_header_size, payload.data(), payload.size());
    return bytes;
}

// An Ethernet frame carrying datagram from source_mac to our MAC (or destination_mac).
inline std::vector<uint8_t> make_frame(MacAddress source_mac, std::span<const uint8_t> datagram,
                                       MacAddress destination_mac = our_mac,
                                       EtherType type = EtherType::Ipv4) {
    std::vector<uint8_t> frame(EthernetFrame::header_size + datagram.size());
    (void)emit_ethernet_header(destination_mac, source_mac, type, frame);
    if (!datagram.empty()) std::memcpy(frame.data() + EthernetFrame::header_size, datagram.data(), datagram.size());
    return frame;
}

// Header fields for a datagram from source to destination with protocol.
inline Ipv4HeaderFields fields_for(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                   uint16_t identification = 0x1234) {
    Ipv4HeaderFields fields;
    fields.source = source;
    fields.destination = destination;
    fields.protocol = protocol;
    fields.identification = identification;
    return fields;
}

// A driver that keeps every frame it is given, or fails with a chosen error.
class RecordingFrameOutput final : public FrameOutput {
public:
    Result<void> send_frame(std::span<const uint8_t> frame) override {
        if (fail_with != Errno{0}) return fail_with;
        frames.emplace_back(frame.begin(), frame.end());
        return {};
    }
    std::vector<std::vector<uint8_t>> frames;
    Errno fail_with = Errno{0};
};

// An IPv4 layer that records what transports send.
class RecordingIpv4Output final : public Ipv4Output {
public:
    struct Sent {
        Ipv4Address source;
        Ipv4Address destination;
        uint8_t protocol;
        std::vector<uint8_t> bytes;
    };
    Result<void> send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           std::span<const uint8_t> data) override {
        if (fail_with != Errno{0}) return fail_with;
        sent.push_back({source, destination, protocol, {data.begin(), data.end()}});
        return {};
    }
    Ipv4Address source_address_for(Ipv4Address) const override { return local; }
    size_t max_transport_size(Ipv4Address) const override { return max_size; }

    std::vector<Sent> sent;
    Ipv4Address local = our_ip;
    size_t max_size = 1480;
    Errno fail_with = Errno{0};
};

// A transport that records the datagrams and errors it receives.
class RecordingHandler final : public ProtocolHandler {
public:
    struct Error {
        std::vector<uint8_t> original;
        Errno error;
    };
    void receive_ipv4(const Ipv4Packet& packet, uint64_t) override {
        packets.emplace_back(packet.bytes().begin(), packet.bytes().end());
    }
    void receive_error(const Ipv4Packet& original, Errno error, uint64_t) override {
        errors.push_back({{original.bytes().begin(), original.bytes().end()}, error});
    }
    std::vector<std::vector<uint8_t>> packets;
    std::vector<Error> errors;
};

}  // namespace ingot::net::test
