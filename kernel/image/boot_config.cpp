#include <image/boot_config.h>

namespace ingot::image {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view key_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

Result<size_t> percent_decode(std::string_view encoded, char* out) {
    size_t len = 0;
    for (size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] != '%') {
            out[len++] = encoded[i];
            continue;
        }
        if (i + 2 >= encoded.size()) return Errno::EINVAL;  // needs two hex digits
        int high = hex_value(encoded[i + 1]), low = hex_value(encoded[i + 2]);
        if (high < 0 || low < 0) return Errno::EINVAL;
        out[len++] = static_cast<char>(high * 16 + low);
        i += 2;
    }
    return len;
}

void BootConfig::set_env(std::string_view entry) {
    for (auto& existing : envp_) {
        if (key_of(existing) == key_of(entry)) {
            existing = entry;
            return;
        }
    }
    envp_.push_back(entry);
}

void BootConfig::add(char tag, std::string_view value) {
    if (tag == 'a') argv_.push_back(value);
    else if (tag == 'e') set_env(value);
    else options_.push_back(value);
}

Result<void> BootConfig::add_records(std::span<const uint8_t> records) {
    auto text = std::string_view(reinterpret_cast<const char*>(records.data()), records.size());
    while (!text.empty()) {
        size_t end = text.find('\0');
        if (end == std::string_view::npos || end == 0) return Errno::EINVAL;
        char tag = text[0];
        if (tag != 'a' && tag != 'e' && tag != 'k') return Errno::EINVAL;
        add(tag, text.substr(1, end - 1));
        text.remove_prefix(end + 1);
    }
    return {};
}

Result<void> BootConfig::apply_command_line(std::string_view command_line) {
    // Decoded values are never longer than the command line, so one reservation keeps every
    // string_view into decoded_ valid.
    decoded_.assign(command_line.size(), '\0');
    size_t used = 0;
    bool replaced_args = false;
    while (!command_line.empty()) {
        size_t end = command_line.find(' ');
        std::string_view token = command_line.substr(0, end);
        command_line.remove_prefix(end == std::string_view::npos ? command_line.size() : end + 1);
        if (token.size() < 8 || token.substr(0, 6) != "ingot." || token[7] != '=') continue;
        char tag = token[6];
        if (tag != 'a' && tag != 'e' && tag != 'k') continue;
        size_t len = TRY(percent_decode(token.substr(8), decoded_.data() + used));
        std::string_view value(decoded_.data() + used, len);
        used += len;
        if (tag == 'a' && !replaced_args) {
            argv_.clear();
            replaced_args = true;
        }
        add(tag, value);
    }
    return {};
}

std::string_view BootConfig::option(std::string_view name) const {
    std::string_view found;
    for (auto option : options_)
        if (key_of(option) == name) found = option.size() > name.size() ? option.substr(name.size() + 1) : "";
    return found;
}

}  // namespace ingot::image
