#include <lib/align.h>
#include <mm/user_memory.h>
#include <proc/initial_stack.h>

#include <cstring>

namespace ingot {
namespace {

constexpr size_t kWord = sizeof(uint64_t);
constexpr size_t kEndMarkerSize = kWord;
constexpr size_t kBuilderAuxEntries = 3;  // AT_RANDOM, AT_EXECFN, AT_PLATFORM

bool contains_nul(std::string_view s) {
    for (char c : s)
        if (c == '\0') return true;
    return false;
}

bool placed_by_builder(uint64_t type) {
    return type == kAtNull || type == kAtRandom || type == kAtExecFn || type == kAtPlatform;
}

// Fills the buffer from its end downwards; offsets are buffer indices, and the user address
// of offset o is stack_top - (buffer.size() - o). Offsets below floor() would lie below user
// address 0 (only possible with a stack_top smaller than the buffer), so they are never used.
class DownwardWriter {
public:
    DownwardWriter(std::span<uint8_t> buffer, uint64_t stack_top)
        : buffer_(buffer), stack_top_(stack_top), cursor_(buffer.size()),
          floor_(buffer.size() > stack_top ? buffer.size() - stack_top : 0) {}

    // Reserves n bytes below the cursor and returns their user address; false when full.
    bool reserve(size_t n, uint64_t& user_address) {
        if (n > cursor_ - floor_) return false;
        cursor_ -= n;
        user_address = user_address_of(cursor_);
        return true;
    }

    // Places a NUL-terminated copy of s and returns its user address.
    bool place_string(std::string_view s, uint64_t& user_address) {
        if (!reserve(s.size() + 1, user_address)) return false;
        if (!s.empty()) memcpy(buffer_.data() + cursor_, s.data(), s.size());  // data() may be null
        buffer_[cursor_ + s.size()] = 0;
        return true;
    }

    void write_word(size_t offset, uint64_t value) { memcpy(buffer_.data() + offset, &value, kWord); }
    uint64_t user_address_of(size_t offset) const { return stack_top_ - (buffer_.size() - offset); }
    size_t cursor() const { return cursor_; }
    size_t floor() const { return floor_; }
    uint8_t* at(size_t offset) { return buffer_.data() + offset; }

private:
    std::span<uint8_t> buffer_;
    uint64_t stack_top_;
    size_t cursor_;
    size_t floor_;
};

}  // namespace

Result<InitialStack> build_initial_stack(std::span<uint8_t> buffer, uint64_t stack_top,
                                         const InitialStackInput& input) {
    if (stack_top > kUserSpaceEnd) return Errno::EINVAL;
    if (contains_nul(input.execfn)) return Errno::EINVAL;
    for (std::string_view s : input.argv)
        if (contains_nul(s)) return Errno::EINVAL;
    for (std::string_view s : input.envp)
        if (contains_nul(s)) return Errno::EINVAL;
    for (const AuxEntry& entry : input.auxv)
        if (placed_by_builder(entry.type)) return Errno::EINVAL;

    DownwardWriter writer(buffer, stack_top);

    uint64_t unused;
    if (!writer.reserve(kEndMarkerSize, unused)) return Errno::E2BIG;
    memset(writer.at(writer.cursor()), 0, kEndMarkerSize);

    // Strings, highest first, so that in memory they read platform, argv, envp, execfn as on
    // Linux (fs/binfmt_elf.c create_elf_tables and fs/exec.c copy_strings).
    uint64_t execfn_address;
    if (!writer.place_string(input.execfn, execfn_address)) return Errno::E2BIG;
    for (size_t i = input.envp.size(); i-- > 0;)
        if (!writer.place_string(input.envp[i], unused)) return Errno::E2BIG;
    for (size_t i = input.argv.size(); i-- > 0;)
        if (!writer.place_string(input.argv[i], unused)) return Errno::E2BIG;
    size_t argv_strings_start = writer.cursor();
    uint64_t platform_address;
    if (!writer.place_string(kPlatformName, platform_address)) return Errno::E2BIG;

    uint64_t random_address;
    if (!writer.reserve(input.random_bytes.size(), random_address)) return Errno::E2BIG;
    memcpy(writer.at(writer.cursor()), input.random_bytes.data(), input.random_bytes.size());

    // argc, argv + NULL, envp + NULL, auxv pairs + AT_NULL pair. The sizes are bounded by the
    // spans already walked above, so the word count cannot overflow.
    size_t aux_pairs = input.auxv.size() + kBuilderAuxEntries + 1;
    size_t words = 1 + input.argv.size() + 1 + input.envp.size() + 1 + 2 * aux_pairs;
    if (words > (writer.cursor() - writer.floor()) / kWord) return Errno::E2BIG;
    uint64_t vector_top = writer.user_address_of(writer.cursor());
    uint64_t rsp = align_down(vector_top - words * kWord, 16);  // psABI: 16-byte aligned at entry
    size_t padding = static_cast<size_t>(vector_top - words * kWord - rsp);
    if (words * kWord + padding > writer.cursor() - writer.floor()) return Errno::E2BIG;
    size_t rsp_offset = writer.cursor() - words * kWord - padding;
    memset(writer.at(rsp_offset), 0, words * kWord + padding);

    size_t slot = rsp_offset;
    auto push = [&](uint64_t value) {
        writer.write_word(slot, value);
        slot += kWord;
    };
    push(input.argv.size());
    size_t string_offset = argv_strings_start;
    for (std::string_view s : input.argv) {
        push(writer.user_address_of(string_offset));
        string_offset += s.size() + 1;
    }
    push(0);
    for (std::string_view s : input.envp) {
        push(writer.user_address_of(string_offset));
        string_offset += s.size() + 1;
    }
    push(0);
    for (const AuxEntry& entry : input.auxv) {
        push(entry.type);
        push(entry.value);
    }
    push(kAtRandom);
    push(random_address);
    push(kAtExecFn);
    push(execfn_address);
    push(kAtPlatform);
    push(platform_address);
    push(kAtNull);
    push(0);

    return InitialStack{rsp, rsp_offset, buffer.size() - rsp_offset};
}

}  // namespace ingot
