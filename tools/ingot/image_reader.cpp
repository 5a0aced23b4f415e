#include <ingot/image_reader.h>

#include <ingot/payload_builder.h>
#include <ingot/tool_error.h>

#include <elf/elf64.h>

#include <cstring>

namespace ingot::tool {

namespace {

bool read_header(std::span<const uint8_t> image, elf::Elf64_Ehdr& eh) {
    if (!elf::read_struct(image, 0, eh) || std::memcmp(eh.e_ident, elf::kMagic, 4) != 0) return false;
    if (eh.e_ident[elf::kIdentClass] != elf::kClass64 || eh.e_phentsize != sizeof(elf::Elf64_Phdr)) return false;
    return elf::range_within(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(elf::Elf64_Phdr), image.size());
}

elf::Elf64_Phdr program_header(std::span<const uint8_t> image, const elf::Elf64_Ehdr& eh, size_t index) {
    elf::Elf64_Phdr ph{};
    elf::read_struct(image, eh.e_phoff + index * sizeof ph, ph);
    return ph;
}

// A part [offset, offset+size) of the payload, checked against its total size.
std::span<const uint8_t> payload_part(std::span<const uint8_t> payload, uint64_t offset, uint64_t size) {
    if (!elf::range_within(offset, size, payload.size()))
        throw input_error("corrupt image: payload part outside the payload");
    return payload.subspan(offset, size);
}

std::vector<std::string> split_records(std::span<const uint8_t> config) {
    std::vector<std::string> records;
    std::string current;
    for (uint8_t byte : config) {
        if (byte == 0) {
            records.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(static_cast<char>(byte));
        }
    }
    if (!current.empty()) throw input_error("corrupt image: unterminated configuration record");
    return records;
}

}  // namespace

std::optional<ImagePayload> find_payload(std::span<const uint8_t> image) {
    elf::Elf64_Ehdr eh{};
    if (!read_header(image, eh)) return std::nullopt;
    for (size_t i = 0; i < eh.e_phnum; ++i) {
        elf::Elf64_Phdr ph = program_header(image, eh, i);
        if (ph.p_type != elf::kPtLoad || !elf::range_within(ph.p_offset, ph.p_filesz, image.size())) continue;
        if (ph.p_filesz < sizeof(image::PayloadHeader) || ph.p_offset < sizeof(elf::Elf64_Ehdr)) continue;
        std::span<const uint8_t> payload = image.subspan(ph.p_offset, ph.p_filesz);
        if (std::memcmp(payload.data(), image::kPayloadMagic, sizeof image::kPayloadMagic) != 0) continue;

        ImagePayload found;
        found.file_offset = ph.p_offset;
        found.segment_index = i;
        std::memcpy(&found.header, payload.data(), sizeof found.header);
        const image::PayloadHeader& h = found.header;
        if (h.version != image::kPayloadVersion || h.header_size != sizeof(image::PayloadHeader) ||
            h.total_size != ph.p_filesz)
            throw input_error("corrupt image: unsupported or inconsistent payload header");
        if (std::memchr(h.program_path, 0, sizeof h.program_path) == nullptr)
            throw input_error("corrupt image: program path not terminated");
        found.program = payload_part(payload, h.program_offset, h.program_size);
        found.files = payload_part(payload, h.files_offset, h.files_size);
        found.records = split_records(payload_part(payload, h.config_offset, h.config_size));
        return found;
    }
    return std::nullopt;
}

std::vector<uint8_t> kernel_of_image(std::span<const uint8_t> image, const ImagePayload& payload) {
    elf::Elf64_Ehdr eh{};
    read_header(image, eh);  // find_payload succeeded, so the header is sound
    std::vector<elf::Elf64_Phdr> headers;
    for (size_t i = 0; i < eh.e_phnum; ++i)
        if (i != payload.segment_index) headers.push_back(program_header(image, eh, i));

    std::vector<uint8_t> kernel(image.begin(), image.begin() + static_cast<ptrdiff_t>(payload.file_offset));
    size_t table_offset = (kernel.size() + 7) & ~size_t{7};
    kernel.resize(table_offset + headers.size() * sizeof(elf::Elf64_Phdr), 0);
    std::memcpy(kernel.data() + table_offset, headers.data(), headers.size() * sizeof(elf::Elf64_Phdr));
    eh.e_phoff = table_offset;
    eh.e_phnum = static_cast<uint16_t>(headers.size());
    std::memcpy(kernel.data(), &eh, sizeof eh);
    return kernel;
}

std::string payload_argv0(const ImagePayload& payload) {
    for (const std::string& record : payload.records)
        if (!record.empty() && record[0] == kRecordArgument) return record.substr(1);
    return payload.header.program_path;
}

}  // namespace ingot::tool
