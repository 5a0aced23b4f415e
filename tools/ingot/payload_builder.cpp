#include <ingot/payload_builder.h>

#include <ingot/tool_error.h>

#include <image/format.h>

#include <algorithm>
#include <cstring>

namespace ingot::tool {

namespace {

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

// Appends `part` at the next kPartAlign boundary and returns its offset.
uint64_t append_part(std::vector<uint8_t>& payload, std::span<const uint8_t> part) {
    payload.resize(align_up(payload.size(), image::kPartAlign), 0);
    uint64_t offset = payload.size();
    payload.insert(payload.end(), part.begin(), part.end());
    return offset;
}

}  // namespace

std::vector<std::string> make_config_records(const std::vector<std::string>& argv,
                                             const std::vector<std::string>& environment,
                                             const std::vector<std::string>& kernel_options) {
    std::vector<std::string> records;
    for (const std::string& a : argv) records.push_back(kRecordArgument + a);
    for (const std::string& e : environment) records.push_back(kRecordEnvironment + e);
    for (const std::string& k : kernel_options) records.push_back(kRecordKernelOption + k);
    return records;
}

std::string guest_program_path(const std::string& host_path) {
    std::string base = host_path;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    size_t slash = base.rfind('/');
    if (slash != std::string::npos) base = base.substr(slash + 1);
    if (base.empty() || base == "." || base == "..")
        throw input_error(host_path + ": not a program file name");
    std::string path = "/" + base;
    if (path.size() >= sizeof(image::PayloadHeader::program_path))
        throw input_error(host_path + ": program name longer than " +
                          std::to_string(sizeof(image::PayloadHeader::program_path) - 2) +
                          " characters; rename the program");
    return path;
}

std::vector<uint8_t> build_payload(const PayloadContents& contents) {
    image::PayloadHeader header{};
    std::memcpy(header.magic, image::kPayloadMagic, sizeof header.magic);
    header.version = image::kPayloadVersion;
    header.header_size = sizeof(image::PayloadHeader);
    header.mem_bytes = contents.mem_bytes;
    if (contents.program_path.size() >= sizeof header.program_path ||
        contents.program_path.find('\0') != std::string::npos)
        throw input_error("program path '" + contents.program_path + "' cannot be stored in the image");
    std::memcpy(header.program_path, contents.program_path.data(), contents.program_path.size());

    std::vector<uint8_t> config;
    for (const std::string& record : contents.records) {
        if (record.find('\0') != std::string::npos)
            throw input_error("configuration entry contains a NUL byte");
        config.insert(config.end(), record.begin(), record.end());
        config.push_back(0);
    }

    std::vector<uint8_t> payload(sizeof header, 0);
    header.program_offset = append_part(payload, contents.program);
    header.program_size = contents.program.size();
    header.files_offset = append_part(payload, contents.files);
    header.files_size = contents.files.size();
    header.config_offset = append_part(payload, config);
    header.config_size = config.size();
    header.total_size = payload.size();
    if (header.total_size > image::kMaxPayloadSize)
        throw input_error("program and files together exceed the image limit of 4 GiB");
    std::memcpy(payload.data(), &header, sizeof header);
    return payload;
}

}  // namespace ingot::tool
