// Memory sizes as users write them on the command line: "65536", "64K", "4M", "512M", "1G".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot::tool {

// Parses a positive byte count with an optional binary suffix K, M, G or T (either case, powers
// of 1024). Returns nullopt for anything else: empty, signs, spaces, fractions, unknown suffixes,
// zero, or a value that overflows 64 bits.
std::optional<uint64_t> parse_size(std::string_view text);

// Formats a byte count with the largest suffix that divides it exactly: "64M", "1G", "65537".
std::string format_size(uint64_t bytes);

}  // namespace ingot::tool
