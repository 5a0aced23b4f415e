// The device behind a machine without a network card: nothing is ever received and nothing
// can be sent, so only loopback (127.0.0.0/8) works. Programs that talk to themselves over
// 127.0.0.1 run the same with `--net none`.
#pragma once

#include <net/network_device.h>

namespace ingot::net {

class LoopbackOnlyDevice final : public NetworkDevice {
public:
    Result<void> send_frame(std::span<const uint8_t>) override { return Errno::ENETDOWN; }
    MacAddress device_mac() const override { return MacAddress::zero(); }
    void collect(FunctionRef<void(std::span<const uint8_t>)>) override {}
};

}  // namespace ingot::net
