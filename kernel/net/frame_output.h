// The interface a network device driver implements so that the stack can transmit.
#pragma once

#include <lib/result.h>

#include <cstdint>
#include <span>

namespace ingot::net {

class FrameOutput {
public:
    virtual ~FrameOutput() = default;

    // Transmits one Ethernet frame (destination MAC first, no frame check sequence; at least
    // 60 bytes, already padded). The bytes are only valid during the call. EAGAIN or ENOBUFS
    // when the device queue is full (the frame is dropped, transports retransmit), EIO when
    // the device failed.
    virtual Result<void> send_frame(std::span<const uint8_t> frame) = 0;
};

}  // namespace ingot::net
