// Decoding of the LZ4 block format (github.com/lz4/lz4, doc/lz4_Block_format.md), for the
// stub that unpacks the compressed kernel at boot (arch/x86_64/unpack). The input is untrusted
// as far as memory safety goes: a corrupt block fails with the reason and never reads past the
// input or writes past the output.
//
// A block is a series of sequences, each:
//   token          1 byte: literal count in the high nibble, match length - 4 in the low one;
//                  a nibble of 15 continues in further bytes, each added, until one below 255
//   literals       copied to the output as they are
//   offset         2 bytes, little-endian: how far back in the output the match starts (1..65535)
//   match length   extra bytes when the low nibble is 15
// The last sequence ends after its literals: it has no offset and no match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::lz4 {

enum class DecodeError : uint8_t {
    None,
    TruncatedInput,     // the block ends inside a sequence
    OutputOverrun,      // a sequence would write past the end of the output
    ZeroOffset,         // a match offset of 0, which the format forbids
    OffsetBeforeStart,  // a match would copy from before the start of the output
};

struct DecodeResult {
    DecodeError error = DecodeError::None;
    size_t written = 0;     // bytes of output produced (before the failure, on error)
    size_t input_used = 0;  // bytes of input read (on error: the start of the failing sequence)

    bool ok() const { return error == DecodeError::None; }
};

// Decodes one block into `output`, whose size is the most the block may produce. Nothing
// outside `output` is ever written; on error, bytes past `written` may have been.
DecodeResult decode_block(std::span<const uint8_t> input, std::span<uint8_t> output);

// A phrase for messages, e.g. "a match copies from before the start of the output".
const char* describe(DecodeError error);

}  // namespace ingot::lz4
