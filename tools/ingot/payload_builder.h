// Assembles the payload that `ingot build` appends to the kernel (kernel/image/format.h):
//   [PayloadHeader][program ELF][cpio newc root][config records], each part 16-byte aligned.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::tool {

// Config record tags (format.h).
inline constexpr char kRecordArgument = 'a';
inline constexpr char kRecordEnvironment = 'e';
inline constexpr char kRecordKernelOption = 'k';

struct PayloadContents {
    std::span<const uint8_t> program;     // the static x86_64 ELF
    std::span<const uint8_t> files;       // cpio newc archive; empty for an empty root
    std::vector<std::string> records;     // config records, tag included ("a/hello"), no NULs
    uint64_t mem_bytes = 0;               // default guest memory; 0 = ingot's default
    std::string program_path;             // absolute guest path, at most 63 bytes
};

// Config records for argv (argv[0] first), environment entries "K=V" and kernel options.
std::vector<std::string> make_config_records(const std::vector<std::string>& argv,
                                             const std::vector<std::string>& environment,
                                             const std::vector<std::string>& kernel_options);

// The guest path of a host program: "/" + its base name. Throws input_error if that does not
// fit PayloadHeader::program_path.
std::string guest_program_path(const std::string& host_path);

// Lays out the payload bytes. Throws input_error if it would exceed kMaxPayloadSize, or if a
// path or record cannot be stored (too long, or containing NUL).
std::vector<uint8_t> build_payload(const PayloadContents& contents);

}  // namespace ingot::tool
