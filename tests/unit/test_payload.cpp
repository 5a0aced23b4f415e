#include <gtest/gtest.h>

// <cerrno> (pulled in by GoogleTest) defines the E* names as macros, so tests spell
// Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <image/format.h>
#include <image/payload.h>

#include <cstring>
#include <vector>

namespace ingot::image {
namespace {

std::vector<uint8_t> make_payload(uint64_t program_size, uint64_t files_size, uint64_t config_size) {
    PayloadHeader header{};
    memcpy(header.magic, kPayloadMagic, sizeof(header.magic));
    header.version = kPayloadVersion;
    header.header_size = sizeof(PayloadHeader);
    header.program_offset = sizeof(header);
    header.program_size = program_size;
    header.files_offset = header.program_offset + program_size;
    header.files_size = files_size;
    header.config_offset = header.files_offset + files_size;
    header.config_size = config_size;
    header.total_size = header.config_offset + config_size;
    header.mem_bytes = 4 << 20;
    strcpy(header.program_path, "/hello");
    std::vector<uint8_t> bytes(header.total_size, 0xAB);
    memcpy(bytes.data(), &header, sizeof(header));
    return bytes;
}

PayloadHeader& header_of(std::vector<uint8_t>& bytes) { return *reinterpret_cast<PayloadHeader*>(bytes.data()); }

TEST(Payload, ParsesAWellFormedPayload) {
    auto bytes = make_payload(100, 20, 10);
    auto payload = parse_payload(bytes);
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(payload.value().program.size(), 100u);
    EXPECT_EQ(payload.value().program.data(), bytes.data() + sizeof(PayloadHeader));
    EXPECT_EQ(payload.value().files.size(), 20u);
    EXPECT_EQ(payload.value().config.size(), 10u);
    EXPECT_EQ(payload.value().program_path, "/hello");
    EXPECT_EQ(payload.value().mem_bytes, 4u << 20);
}

TEST(Payload, RejectsForeignOrTruncatedData) {
    auto bytes = make_payload(100, 0, 0);
    EXPECT_EQ(parse_payload(std::span(bytes).first(10)).error(), Errno{ENOEXEC});
    EXPECT_EQ(parse_payload(std::span(bytes).first(sizeof(PayloadHeader) + 50)).error(), Errno{EINVAL});
    bytes[0] = 'X';
    EXPECT_EQ(parse_payload(bytes).error(), Errno{ENOEXEC});
}

TEST(Payload, RejectsPartsOutsideThePayload) {
    auto bytes = make_payload(100, 20, 10);
    header_of(bytes).files_offset = ~0ull - 5;
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});
    bytes = make_payload(100, 20, 10);
    header_of(bytes).program_size = ~0ull;
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});
    bytes = make_payload(100, 20, 10);
    header_of(bytes).config_size = 11;
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});
}

TEST(Payload, RejectsBadHeaderFields) {
    auto bytes = make_payload(10, 0, 0);
    header_of(bytes).version = 2;
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});
    bytes = make_payload(10, 0, 0);
    memset(header_of(bytes).program_path, 'a', sizeof(PayloadHeader::program_path));
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});  // unterminated
    bytes = make_payload(10, 0, 0);
    strcpy(header_of(bytes).program_path, "relative");
    EXPECT_EQ(parse_payload(bytes).error(), Errno{EINVAL});
}

}  // namespace
}  // namespace ingot::image
