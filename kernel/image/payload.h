// Reading an image's payload (image/format.h) in the kernel, treating it as untrusted bytes:
// every part must lie inside the payload before anyone looks at it.
#pragma once

#include <image/format.h>
#include <lib/result.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace ingot::image {

struct Payload {
    std::span<const uint8_t> program;
    std::span<const uint8_t> files;
    std::span<const uint8_t> config;
    std::string_view program_path;
    uint64_t mem_bytes;
};

// Validates the header at the start of `bytes` (bytes may extend past the payload).
// ENOEXEC for a missing or foreign magic, EINVAL for a malformed header.
Result<Payload> parse_payload(std::span<const uint8_t> bytes);

}  // namespace ingot::image
