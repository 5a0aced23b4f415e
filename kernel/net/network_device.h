// What the network stack needs from a network card: transmit (FrameOutput), its MAC address,
// and a way to collect received frames. virtio-net implements it; tests use a fake.
#pragma once

#include <lib/function_ref.h>
#include <net/frame_output.h>
#include <net/net_types.h>

#include <span>

namespace ingot::net {

class NetworkDevice : public FrameOutput {
public:
    virtual MacAddress device_mac() const = 0;
    // Hands every frame received since the last call to deliver (the bytes are valid during
    // the call only) and reclaims finished transmissions.
    virtual void collect(FunctionRef<void(std::span<const uint8_t>)> deliver) = 0;
};

}  // namespace ingot::net
