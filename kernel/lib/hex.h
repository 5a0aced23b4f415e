// Parsing fixed-width ASCII hexadecimal fields (cpio newc headers, kernel options).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ingot {

// The value of one hexadecimal digit (0-9, a-f, A-F), or -1 for any other character.
constexpr int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Parses 1 to 16 hex digits with no prefix, sign or spaces; nullopt for anything else.
constexpr std::optional<uint64_t> parse_hex(std::string_view digits) {
    if (digits.empty() || digits.size() > 16) return std::nullopt;
    uint64_t value = 0;
    for (char c : digits) {
        int d = hex_digit_value(c);
        if (d < 0) return std::nullopt;
        value = (value << 4) | static_cast<uint64_t>(d);
    }
    return value;
}

}  // namespace ingot
