// The network card of the receive harness: its receive queue is filled from the fuzz input,
// and every frame the stack transmits is checked to be one a receiver would accept (else the
// process aborts with the reason), then shown to the FrameRewriter so later frames can follow
// TCP conversations. It can be told to refuse transmissions, as a full device queue does.
#pragma once

#include <lib/result.h>
#include <net/network_device.h>

#include "frame_rewriter.h"

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::fuzz {

class FuzzNetworkDevice final : public net::NetworkDevice {
public:
    explicit FuzzNetworkDevice(FrameRewriter& rewriter) : rewriter_(rewriter) {}

    // Checks the frame (aborting on a malformed one); ENOBUFS while refusing.
    Result<void> send_frame(std::span<const uint8_t> frame) override;
    net::MacAddress device_mac() const override;
    void collect(FunctionRef<void(std::span<const uint8_t>)> deliver) override;

    // Makes frame the next one collect() delivers.
    void queue(std::vector<uint8_t> frame) { inbox_.push_back(std::move(frame)); }
    // While set, send_frame() drops frames with ENOBUFS (after checking them).
    void set_refusing(bool refusing) { refusing_ = refusing; }

private:
    FrameRewriter& rewriter_;
    std::vector<std::vector<uint8_t>> inbox_;
    bool refusing_ = false;
};

// Aborts unless frame is well-formed Ethernet II from our MAC, 60 to 1514 bytes long, carrying
// ARP or an unfragmented IPv4 datagram from our address whose checksums verify down to the
// TCP, UDP or ICMP message.
void check_transmitted_frame(std::span<const uint8_t> frame);

}  // namespace ingot::fuzz
