// TCP options (RFC 9293 §3.1 "Options"): parsing of the option list of a received segment and
// emitting of the options this stack sends. Kinds understood: End of Option List (0), No-
// Operation (1), Maximum Segment Size (2, RFC 9293 §3.7.1), Window Scale (3, RFC 7323 §2),
// SACK-Permitted (4) and SACK (5, RFC 2018), Timestamps (8, RFC 7323 §3).
#pragma once

#include <lib/result.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ingot::net {

enum class TcpOptionKind : uint8_t {
    EndOfOptionList = 0,
    NoOperation = 1,
    MaximumSegmentSize = 2,
    WindowScale = 3,
    SackPermitted = 4,
    Sack = 5,
    Timestamps = 8,
};

struct TcpTimestamps {
    uint32_t value = 0;        // TSval
    uint32_t echo_reply = 0;   // TSecr
    constexpr bool operator==(const TcpTimestamps&) const = default;
};

struct TcpSackBlock {
    uint32_t left_edge = 0;
    uint32_t right_edge = 0;
    constexpr bool operator==(const TcpSackBlock&) const = default;
};

// The options of one segment. Absent options are nullopt / false / zero blocks.
struct TcpOptions {
    // RFC 7323 §2.3: shift counts above 14 are used as 14.
    static constexpr uint8_t max_window_scale = 14;
    // RFC 2018 §3: at most 4 blocks fit in 40 option bytes.
    static constexpr size_t max_sack_blocks = 4;

    std::optional<uint16_t> maximum_segment_size;
    std::optional<uint8_t> window_scale;
    bool sack_permitted = false;
    std::optional<TcpTimestamps> timestamps;
    std::array<TcpSackBlock, max_sack_blocks> sack_blocks{};
    size_t sack_block_count = 0;

    // Bytes emit_tcp_options() writes for these options (a multiple of 4, at most 40).
    size_t encoded_size() const;
};

// Parses an option list (the bytes between the fixed TCP header and the data). Unknown kinds
// with a well-formed length are skipped (RFC 9293 §3.1, MUST-6/MUST-68 "ignore ... any option
// it does not implement"); an option whose length is below 2, runs past the end, or is wrong
// for a known kind is malformed and fails with EINVAL (RFC 9293 §3.1: be prepared for illegal
// lengths; the segment is discarded rather than guessed at). Parsing stops at End of Option
// List.
Result<TcpOptions> parse_tcp_options(std::span<const uint8_t> bytes);

// Writes options into out in the order MSS, SACK-Permitted, Timestamps, Window Scale, SACK,
// aligned with NOPs the way Linux lays them out, padded to a 4-byte multiple with EOL; returns
// the length, or EMSGSIZE if out is too small or the options exceed 40 bytes.
Result<size_t> emit_tcp_options(const TcpOptions& options, std::span<uint8_t> out);

}  // namespace ingot::net
