#include "url_path.h"

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            decoded += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        char c = static_cast<char>(high * 16 + low);
        if (c == '\0') return std::nullopt;
        decoded += c;
        i += 2;
    }
    return decoded;
}

}  // namespace

std::optional<std::string> UrlPath::to_relative(std::string_view target, bool& directory) {
    if (size_t end = target.find_first_of("?#"); end != std::string_view::npos) target = target.substr(0, end);
    if (!target.starts_with('/')) return std::nullopt;
    // Decoding first makes "%2e%2e" and "%2F" count as what they decode to.
    std::optional<std::string> decoded = percent_decode(target);
    if (!decoded) return std::nullopt;
    std::string relative;
    std::string_view path = *decoded;
    directory = true;
    // Every segment after the leading "/", the empty one after a trailing "/" included.
    for (size_t start = 1;;) {
        size_t slash = path.find('/', start);
        std::string_view segment = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (segment == "..") return std::nullopt;
        if (segment.empty() || segment == ".") {
            directory = true;
        } else {
            if (!relative.empty()) relative += '/';
            relative += segment;
            directory = false;
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return relative;
}
