#include <image/payload.h>

#include <cstring>

namespace ingot::image {
namespace {

bool part_fits(uint64_t offset, uint64_t size, uint64_t total) {
    return offset <= total && size <= total - offset;
}

}  // namespace

Result<Payload> parse_payload(std::span<const uint8_t> bytes) {
    PayloadHeader header;
    if (bytes.size() < sizeof(header)) return Errno::ENOEXEC;
    memcpy(&header, bytes.data(), sizeof(header));
    if (memcmp(header.magic, kPayloadMagic, sizeof(kPayloadMagic)) != 0) return Errno::ENOEXEC;
    if (header.version != kPayloadVersion || header.header_size != sizeof(PayloadHeader)) return Errno::EINVAL;
    if (header.total_size < sizeof(header) || header.total_size > bytes.size()) return Errno::EINVAL;
    uint64_t total = header.total_size;
    if (!part_fits(header.program_offset, header.program_size, total) ||
        !part_fits(header.files_offset, header.files_size, total) ||
        !part_fits(header.config_offset, header.config_size, total))
        return Errno::EINVAL;
    size_t path_len = strnlen(header.program_path, sizeof(header.program_path));
    if (path_len == 0 || path_len == sizeof(header.program_path) || header.program_path[0] != '/')
        return Errno::EINVAL;

    Payload payload;
    payload.program = bytes.subspan(header.program_offset, header.program_size);
    payload.files = bytes.subspan(header.files_offset, header.files_size);
    payload.config = bytes.subspan(header.config_offset, header.config_size);
    // The path lives in the header inside `bytes`, which outlives the Payload.
    payload.program_path = std::string_view(reinterpret_cast<const char*>(bytes.data()) +
                                                offsetof(PayloadHeader, program_path), path_len);
    payload.mem_bytes = header.mem_bytes;
    return payload;
}

}  // namespace ingot::image
