// What the program starts with: its arguments, environment and the kernel's options, from the
// image's config records, then overridden by the boot command line (see image/format.h).
#pragma once

#include <lib/result.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot::image {

class BootConfig {
public:
    // Reads the image's config records. EINVAL on an unterminated record or an unknown tag.
    Result<void> add_records(std::span<const uint8_t> records);
    // Applies "ingot.a=", "ingot.e=", "ingot.k=" tokens; ignores foreign tokens.
    // EINVAL on a bad percent escape.
    Result<void> apply_command_line(std::string_view command_line);

    const std::vector<std::string_view>& argv() const { return argv_; }
    const std::vector<std::string_view>& envp() const { return envp_; }
    // The value of kernel option `name` ("log" for "log=debug"), if given.
    std::string_view option(std::string_view name) const;

private:
    void set_env(std::string_view entry);
    void add(char tag, std::string_view value);

    std::vector<std::string_view> argv_;
    std::vector<std::string_view> envp_;
    std::vector<std::string_view> options_;
    std::vector<char> decoded_;  // backing store for percent-decoded command-line values
};

// Decodes %HH escapes of `encoded` into `out` (which must hold encoded.size() bytes); returns
// the decoded length, EINVAL for a malformed escape.
Result<size_t> percent_decode(std::string_view encoded, char* out);

}  // namespace ingot::image
