#include <lib/lz4_block.h>

namespace ingot::lz4 {
namespace {

constexpr size_t kMinMatch = 4;  // a match length nibble of 0 means 4 bytes
constexpr uint8_t kNibbleMax = 15;

class Reader {
public:
    explicit Reader(std::span<const uint8_t> input) : input_(input) {}

    size_t position() const { return at_; }
    size_t left() const { return input_.size() - at_; }
    bool at_end() const { return at_ == input_.size(); }
    uint8_t byte() { return input_[at_++]; }
    const uint8_t* take(size_t n) {
        const uint8_t* p = input_.data() + at_;
        at_ += n;
        return p;
    }

    // Adds the continuation bytes of a length whose nibble was 15: every byte is added, and a
    // byte below 255 is the last. False when the input ends first.
    bool extend_length(size_t& length) {
        for (;;) {
            if (at_end()) return false;
            uint8_t b = byte();
            length += b;
            if (b != 255) return true;
        }
    }

private:
    std::span<const uint8_t> input_;
    size_t at_ = 0;
};

constexpr size_t kWord = 8;

// Copies 8 bytes with one load and one store (__builtin_memcpy: the kernel is built with
// -fno-builtin, under which memcpy is always a call).
void copy_word(uint8_t* to, const uint8_t* from) {
    uint64_t word;
    __builtin_memcpy(&word, from, kWord);
    __builtin_memcpy(to, &word, kWord);
}

// Copies `length` bytes forward a word at a time, so that it reads up to 7 bytes past
// from + length and writes up to 7 past to + length. Also right for a match at least a word
// back (to - from >= 8): each word it reads was written before.
void copy_words(uint8_t* to, const uint8_t* from, size_t length) {
    for (uint8_t* end = to + length; to < end; to += kWord, from += kWord) copy_word(to, from);
}

// Copies forward byte by byte: a match that overlaps what it writes repeats its last
// `offset` bytes, as the format means.
void copy_bytes(uint8_t* to, const uint8_t* from, size_t length) {
    for (size_t i = 0; i < length; ++i) to[i] = from[i];
}

}  // namespace

DecodeResult decode_block(std::span<const uint8_t> input, std::span<uint8_t> output) {
    Reader in(input);
    size_t out = 0;
    auto fail = [&](DecodeError error, size_t sequence_start) {
        return DecodeResult{error, out, sequence_start};
    };
    for (;;) {
        size_t sequence_start = in.position();
        if (in.at_end()) return fail(DecodeError::TruncatedInput, sequence_start);
        uint8_t token = in.byte();

        size_t literals = token >> 4;
        if (literals == kNibbleMax && !in.extend_length(literals))
            return fail(DecodeError::TruncatedInput, sequence_start);
        if (literals > in.left()) return fail(DecodeError::TruncatedInput, sequence_start);
        if (literals > output.size() - out) return fail(DecodeError::OutputOverrun, sequence_start);
        const uint8_t* literal_bytes = in.take(literals);
        // A word at a time while the overshoot stays inside both buffers: everywhere but at the end.
        if (in.left() >= kWord && output.size() - out - literals >= kWord)
            copy_words(output.data() + out, literal_bytes, literals);
        else
            copy_bytes(output.data() + out, literal_bytes, literals);
        out += literals;
        if (in.at_end()) return {DecodeError::None, out, in.position()};  // the last sequence

        if (in.left() < 2) return fail(DecodeError::TruncatedInput, sequence_start);
        size_t offset = in.byte();
        offset |= size_t{in.byte()} << 8;
        if (offset == 0) return fail(DecodeError::ZeroOffset, sequence_start);
        if (offset > out) return fail(DecodeError::OffsetBeforeStart, sequence_start);
        size_t length = (token & kNibbleMax) + kMinMatch;
        if ((token & kNibbleMax) == kNibbleMax && !in.extend_length(length))
            return fail(DecodeError::TruncatedInput, sequence_start);
        if (length > output.size() - out) return fail(DecodeError::OutputOverrun, sequence_start);
        uint8_t* match = output.data() + out;
        if (offset >= kWord && output.size() - out - length >= kWord)
            copy_words(match, match - offset, length);
        else
            copy_bytes(match, match - offset, length);
        out += length;
    }
}

const char* describe(DecodeError error) {
    switch (error) {
        case DecodeError::None: return "no error";
        case DecodeError::TruncatedInput: return "the block ends inside a sequence";
        case DecodeError::OutputOverrun: return "a sequence writes past the end of the output";
        case DecodeError::ZeroOffset: return "a match has offset 0";
        case DecodeError::OffsetBeforeStart: return "a match copies from before the start of the output";
    }
    return "unknown error";
}

}  // namespace ingot::lz4
