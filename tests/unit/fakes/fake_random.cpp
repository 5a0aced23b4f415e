// Deterministic stand-in for lib/random.h: a counter, so tests can predict the bytes.
#include <lib/random.h>

#include <cstdint>

namespace ingot {
namespace {
uint8_t next_byte = 0;
}

void fill_random(void* dst, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t i = 0; i < len; ++i) out[i] = next_byte++;
}

}  // namespace ingot
