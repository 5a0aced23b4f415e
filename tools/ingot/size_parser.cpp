#include <ingot/size_parser.h>

#include <limits>

namespace ingot::tool {

namespace {

constexpr uint64_t kKiB = 1024;

std::optional<uint64_t> suffix_multiplier(char suffix) {
    switch (suffix) {
        case 'k': case 'K': return kKiB;
        case 'm': case 'M': return kKiB * kKiB;
        case 'g': case 'G': return kKiB * kKiB * kKiB;
        case 't': case 'T': return kKiB * kKiB * kKiB * kKiB;
        default: return std::nullopt;
    }
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
    uint64_t multiplier = 1;
    if (!text.empty() && !(text.back() >= '0' && text.back() <= '9')) {
        std::optional<uint64_t> m = suffix_multiplier(text.back());
        if (!m) return std::nullopt;
        multiplier = *m;
        text.remove_suffix(1);
    }
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    if (value == 0 || value > std::numeric_limits<uint64_t>::max() / multiplier) return std::nullopt;
    return value * multiplier;
}

std::string format_size(uint64_t bytes) {
    static constexpr char kSuffixes[] = {'T', 'G', 'M', 'K'};
    uint64_t unit = kKiB * kKiB * kKiB * kKiB;
    for (char suffix : kSuffixes) {
        if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
        unit /= kKiB;
    }
    return std::to_string(bytes);
}

}  // namespace ingot::tool
