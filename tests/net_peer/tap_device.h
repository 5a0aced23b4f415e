// A NetworkDevice over a Linux TAP interface (Documentation/networking/tuntap.rst): every
// read(2) of the descriptor yields one Ethernet frame that Linux sent out of the interface,
// every write(2) injects one frame as if it had arrived on the wire. The descriptor is
// non-blocking, so the owner waits for frames with poll(2) on fd().
//
// Each direction can pass through a FrameImpairment (loss, duplication, reordering, delay),
// so that both directions of the link can be impaired without netem. Frames held back by an
// impairment leave when release_held() runs at or after next_release().
#pragma once

#include "frame_impairment.h"

#include <net/network_device.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ingot::net_peer {

struct TapCounters {
    uint64_t frames_read = 0;
    uint64_t frames_written = 0;
    uint64_t write_failures = 0;  // the kernel refused a frame (counted as lost on the wire)
};

class TapDevice final : public net::NetworkDevice {
public:
    // Attaches to (or creates) the TAP interface `name` with IFF_TAP | IFF_NO_PI; the frames
    // we send carry `mac` as their source. nullptr and a message in `error` on failure.
    static std::unique_ptr<TapDevice> open(const std::string& name, net::MacAddress mac, std::string& error);
    ~TapDevice() override;
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;

    // Impairs frames we transmit (outbound) and frames Linux sends us (inbound).
    void set_impairment(const ImpairmentProfile& outbound, const ImpairmentProfile& inbound, uint64_t seed);
    // Records every frame as the stack sees it (what it sends, before any outbound
    // impairment; what it receives, after any inbound one) in a pcap file
    // (https://www.tcpdump.org/manpages/pcap-savefile.5.html) at path. False if it cannot
    // be created.
    bool record(const std::string& path);
    // The clock the impairments run on: the time of the current loop iteration.
    void set_now(uint64_t now_ns) { now_ns_ = now_ns; }

    // NetworkDevice.
    Result<void> send_frame(std::span<const uint8_t> frame) override;
    net::MacAddress device_mac() const override { return mac_; }
    void collect(FunctionRef<void(std::span<const uint8_t>)> deliver) override;

    // Writes the outbound frames an impairment held back and that are due by now.
    void release_held(uint64_t now_ns);
    // The earliest time a held frame is due (either direction); UINT64_MAX when none.
    uint64_t next_release() const;
    // Whether inbound frames wait in the impairment's queue and are already due.
    bool inbound_due(uint64_t now_ns) const;

    int fd() const { return fd_; }
    const TapCounters& counters() const { return counters_; }
    const ImpairmentCounters* outbound_counters() const;
    const ImpairmentCounters* inbound_counters() const;

private:
    TapDevice(int fd, net::MacAddress mac) : fd_(fd), mac_(mac) {}
    void write_frame(std::span<const uint8_t> frame);
    void record_frame(std::span<const uint8_t> frame);

    int fd_;
    net::MacAddress mac_;
    uint64_t now_ns_ = 0;
    std::optional<FrameImpairment> outbound_, inbound_;
    std::vector<uint8_t> read_buffer_ = std::vector<uint8_t>(65536);
    TapCounters counters_;
    std::FILE* capture_ = nullptr;
};

}  // namespace ingot::net_peer
