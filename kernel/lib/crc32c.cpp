#include <lib/crc32c.h>

#include <array>

namespace ingot {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // reversed 0x1EDC6F41 (RFC 3720 §B.4)

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
        table[i] = crc;
    }
    return table;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

uint32_t crc32c_update(uint32_t crc, const void* data, size_t len) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < len; ++i) crc = kTable[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

}  // namespace ingot
