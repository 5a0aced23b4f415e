// libFuzzer entry point: every input is a sequence of frames for a fresh network stack (the
// format is described in network_receive_harness.h). Built with -DINGOT_FUZZ=ON; `make fuzz`
// runs it over tests/fuzz/corpus/network_receive.
#include "network_receive_harness.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ingot::fuzz::feed_network_input(std::span<const uint8_t>(data, size));
    return 0;
}
