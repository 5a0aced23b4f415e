#include <net/net_types.h>

namespace ingot::net {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    uint32_t value = 0;
    size_t position = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (position >= text.size() || text[position] != '.') return std::nullopt;
            ++position;
        }
        size_t digits = 0;
        uint32_t octet = 0;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            octet = octet * 10 + static_cast<uint32_t>(text[position] - '0');
            ++position;
            if (++digits > 3 || octet > 255) return std::nullopt;
        }
        if (digits == 0) return std::nullopt;
        value = (value << 8) | octet;
    }
    if (position != text.size()) return std::nullopt;
    return from_host(value);
}

size_t Ipv4Address::format(std::span<char> out) const {
    if (out.empty()) return 0;
    char text[16];
    size_t length = 0;
    for (size_t i = 0; i < 4; ++i) {
        if (i > 0) text[length++] = '.';
        uint8_t o = octet(i);
        if (o >= 100) text[length++] = static_cast<char>('0' + o / 100);
        if (o >= 10) text[length++] = static_cast<char>('0' + (o / 10) % 10);
        text[length++] = static_cast<char>('0' + o % 10);
    }
    size_t written = length < out.size() ? length : out.size() - 1;
    for (size_t i = 0; i < written; ++i) out[i] = text[i];
    out[written] = '\0';
    return written;
}

}  // namespace ingot::net
