// Finds and checks the payload inside an Ingot image (kernel/image/format.h), so that `ingot run`
// can tell an image from a plain program and rebuild an image with other files.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <image/format.h>

namespace ingot::tool {

struct ImagePayload {
    uint64_t file_offset = 0;       // where the payload starts in the image file
    size_t segment_index = 0;       // its PT_LOAD among the image's program headers
    image::PayloadHeader header{};
    std::span<const uint8_t> program;
    std::span<const uint8_t> files;
    std::vector<std::string> records;  // config records, tag included
};

// Returns the payload of `image`, or nullopt when no PT_LOAD segment starts with the payload
// magic (a plain program, or not an ELF at all). Throws input_error when a payload is present but
// its header or parts are malformed.
std::optional<ImagePayload> find_payload(std::span<const uint8_t> image);

// The image with its payload taken off: the kernel part of the file and the kernel's program
// headers (written after it), ready to receive a new payload with write_image().
std::vector<uint8_t> kernel_of_image(std::span<const uint8_t> image, const ImagePayload& payload);

// The first 'a' record (argv[0]) of a payload, or its program path when it has none.
std::string payload_argv0(const ImagePayload& payload);

}  // namespace ingot::tool
