#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_mmio_transport.h>

namespace ingot::virtio {
namespace {

constexpr std::string_view kTokenPrefix = "virtio_mmio.device=";

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

// Consumes an unsigned number in C notation (0x hex, 0 octal, else decimal) from the front
// of text; nothing on overflow or when no digit is there.
std::optional<uint64_t> take_number(std::string_view& text, bool allow_prefixes) {
    unsigned base = 10;
    size_t i = 0;
    if (allow_prefixes && text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (allow_prefixes && !text.empty() && text[0] == '0') {
        base = 8;
    }
    size_t first_digit = i;
    uint64_t value = 0;
    for (; i < text.size() && digit_value(text[i]) < static_cast<int>(base); ++i) {
        uint64_t digit = static_cast<uint64_t>(digit_value(text[i]));
        if (value > (UINT64_MAX - digit) / base) return std::nullopt;
        value = value * base + digit;
    }
    if (i == first_digit) return std::nullopt;  // "0x" alone, or no digits
    text.remove_prefix(i);
    return value;
}

// memparse's suffixes: K, M, G, T, P, E (either case).
std::optional<uint64_t> apply_suffix(std::string_view& text, uint64_t value) {
    if (text.empty()) return value;
    unsigned shift = 0;
    switch (text[0]) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    case 'p': case 'P': shift = 50; break;
    case 'e': case 'E': shift = 60; break;
    default: return value;
    }
    text.remove_prefix(1);
    if (value > (UINT64_MAX >> shift)) return std::nullopt;
    return value << shift;
}

bool take_char(std::string_view& text, char c) {
    if (text.empty() || text[0] != c) return false;
    text.remove_prefix(1);
    return true;
}

}  // namespace

Result<VirtioMmioLocation> parse_virtio_mmio_device(std::string_view value) {
    std::optional<uint64_t> size = take_number(value, true);
    if (!size) return Errno::EINVAL;
    size = apply_suffix(value, *size);
    if (!size || !take_char(value, '@')) return Errno::EINVAL;
    std::optional<uint64_t> base = take_number(value, true);
    if (!base || !take_char(value, ':')) return Errno::EINVAL;
    std::optional<uint64_t> irq = take_number(value, false);
    if (!irq) return Errno::EINVAL;
    if (take_char(value, ':') && !take_number(value, false)) return Errno::EINVAL;  // optional id
    if (!value.empty()) return Errno::EINVAL;
    if (*size < kMmioRegisterBytes || *base > UINT64_MAX - *size || *irq > 255) return Errno::EINVAL;
    return VirtioMmioLocation{*base, *size, static_cast<uint32_t>(*irq)};
}

std::vector<VirtioMmioLocation> virtio_mmio_devices_from_command_line(std::string_view command_line) {
    std::vector<VirtioMmioLocation> found;
    while (!command_line.empty() && found.size() < kMaxMmioDevices) {
        size_t end = command_line.find(' ');
        std::string_view token = command_line.substr(0, end);
        command_line.remove_prefix(end == std::string_view::npos ? command_line.size() : end + 1);
        if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) continue;
        auto location = parse_virtio_mmio_device(token.substr(kTokenPrefix.size()));
        if (location.ok()) found.push_back(location.value());
    }
    return found;
}

std::vector<VirtioMmioLocation> microvm_virtio_mmio_slots(bool twenty_four_transports) {
    uint32_t count = twenty_four_transports ? 24 : 8, first_gsi = twenty_four_transports ? 24 : 16;
    std::vector<VirtioMmioLocation> slots;
    // QEMU fills the transports from the last one down, so the likeliest come first.
    for (uint32_t i = count; i-- > 0;)
        slots.push_back({kMicrovmVirtioBase + i * kMicrovmVirtioStride, kMicrovmVirtioStride, first_gsi + i});
    return slots;
}

}  // namespace ingot::virtio
