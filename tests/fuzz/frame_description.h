// One-line descriptions of Ethernet frames for tracing the network receive harness
// (INGOT_FUZZ_TRACE=1): "10.0.2.2:40003 > 10.0.2.15:80 TCP [S.] seq 1000 ack 0 len 0".
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ingot::fuzz {

// Describes what a frame carries as far as it parses; never fails.
std::string describe_frame(std::span<const uint8_t> frame);

}  // namespace ingot::fuzz
