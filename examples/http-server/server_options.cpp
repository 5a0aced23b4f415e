#include "server_options.h"

#include <charconv>
#include <string_view>

namespace {

// A decimal number in [minimum, maximum], the whole text and nothing else.
std::optional<uint64_t> parse_number(std::string_view text, uint64_t minimum, uint64_t maximum) {
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < minimum || value > maximum) return std::nullopt;
    return value;
}

}  // namespace

std::optional<ServerOptions> ServerOptions::parse(int argc, char** argv, std::string& error) {
    ServerOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        std::string_view value;
        // Both "--port 80" and "--port=80".
        if (size_t equals = name.find('='); name.starts_with("--") && equals != std::string_view::npos) {
            value = name.substr(equals + 1);
            name = name.substr(0, equals);
        } else if (name == "--port" || name == "--root" || name == "--max-requests" || name == "--threads") {
            if (i + 1 >= argc) {
                error = std::string(name) + ": missing value";
                return std::nullopt;
            }
            value = argv[++i];
        } else {
            error = "unknown argument '" + std::string(name) + "'";
            return std::nullopt;
        }
        if (name == "--port") {
            auto port = parse_number(value, 1, 65535);
            if (!port) {
                error = "--port: expected a number from 1 to 65535, got '" + std::string(value) + "'";
                return std::nullopt;
            }
            options.port = static_cast<uint16_t>(*port);
        } else if (name == "--root") {
            if (value.empty()) {
                error = "--root: expected a directory";
                return std::nullopt;
            }
            options.root = value;
        } else if (name == "--max-requests") {
            options.max_requests = parse_number(value, 1, UINT64_MAX);
            if (!options.max_requests) {
                error = "--max-requests: expected a positive number, got '" + std::string(value) + "'";
                return std::nullopt;
            }
        } else if (name == "--threads") {
            auto threads = parse_number(value, 1, 256);
            if (!threads) {
                error = "--threads: expected a number from 1 to 256, got '" + std::string(value) + "'";
                return std::nullopt;
            }
            options.threads = static_cast<unsigned>(*threads);
        } else {
            error = "unknown argument '" + std::string(name) + "'";
            return std::nullopt;
        }
    }
    return options;
}
