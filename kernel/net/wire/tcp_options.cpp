#include <net/wire/bytes.h>
#include <net/wire/tcp_options.h>

namespace ingot::net {

namespace {

constexpr size_t max_options_size = 40;  // data offset 15 words minus the 20-byte header

// The exact length RFC 9293 §3.1 / RFC 7323 / RFC 2018 give each known option kind, or 0 for
// kinds whose length varies or that are unknown.
size_t fixed_length(uint8_t kind) {
    switch (static_cast<TcpOptionKind>(kind)) {
    case TcpOptionKind::MaximumSegmentSize: return 4;
    case TcpOptionKind::WindowScale: return 3;
    case TcpOptionKind::SackPermitted: return 2;
    case TcpOptionKind::Timestamps: return 10;
    default: return 0;
    }
}

}  // namespace

size_t TcpOptions::encoded_size() const {
    size_t size = 0;
    if (maximum_segment_size) size += 4;
    if (window_scale) size += 4;                    // NOP + 3
    if (sack_permitted && !timestamps) size += 4;   // NOP NOP + 2
    if (timestamps) size += 12;                     // (SACKP or NOP NOP) + 10
    if (sack_block_count > 0) size += 4 + 8 * sack_block_count;  // NOP NOP + 2 + blocks
    return (size + 3) & ~size_t{3};
}

Result<TcpOptions> parse_tcp_options(std::span<const uint8_t> bytes) {
    TcpOptions options;
    size_t i = 0;
    while (i < bytes.size()) {
        uint8_t kind = bytes[i];
        if (kind == static_cast<uint8_t>(TcpOptionKind::EndOfOptionList)) break;
        if (kind == static_cast<uint8_t>(TcpOptionKind::NoOperation)) {
            ++i;
            continue;
        }
        // Every other option carries a length byte that counts kind and length themselves.
        if (i + 1 >= bytes.size()) return Errno::EINVAL;
        size_t length = bytes[i + 1];
        if (length < 2 || length > bytes.size() - i) return Errno::EINVAL;
        size_t expected = fixed_length(kind);
        if (expected != 0 && length != expected) return Errno::EINVAL;
        std::span<const uint8_t> value = bytes.subspan(i + 2, length - 2);
        switch (static_cast<TcpOptionKind>(kind)) {
        case TcpOptionKind::MaximumSegmentSize:
            options.maximum_segment_size = read_be16(value, 0);
            break;
        case TcpOptionKind::WindowScale: {
            uint8_t shift = value[0];
            options.window_scale = shift > TcpOptions::max_window_scale
                                       ? TcpOptions::max_window_scale
                                       : shift;
            break;
        }
        case TcpOptionKind::SackPermitted:
            options.sack_permitted = true;
            break;
        case TcpOptionKind::Timestamps:
            options.timestamps = TcpTimestamps{read_be32(value, 0), read_be32(value, 4)};
            break;
        case TcpOptionKind::Sack: {
            // RFC 2018 §3: length 2 + 8n, n >= 1.
            if (value.empty() || value.size() % 8 != 0) return Errno::EINVAL;
            size_t count = value.size() / 8;
            if (count > TcpOptions::max_sack_blocks) return Errno::EINVAL;
            for (size_t b = 0; b < count; ++b) {
                options.sack_blocks[b] = {read_be32(value, 8 * b), read_be32(value, 8 * b + 4)};
            }
            options.sack_block_count = count;
            break;
        }
        default:
            break;  // unknown, well-formed: ignored
        }
        i += length;
    }
    return options;
}

Result<size_t> emit_tcp_options(const TcpOptions& options, std::span<uint8_t> out) {
    if (options.sack_block_count > TcpOptions::max_sack_blocks) return Errno::EINVAL;
    size_t size = options.encoded_size();
    if (size > max_options_size || size > out.size()) return Errno::EMSGSIZE;
    size_t i = 0;
    auto put = [&](uint8_t byte) { out[i++] = byte; };
    constexpr uint8_t nop = static_cast<uint8_t>(TcpOptionKind::NoOperation);
    if (options.maximum_segment_size) {
        put(static_cast<uint8_t>(TcpOptionKind::MaximumSegmentSize));
        put(4);
        write_be16(out, i, *options.maximum_segment_size);
        i += 2;
    }
    if (options.sack_permitted && options.timestamps) {
        put(static_cast<uint8_t>(TcpOptionKind::SackPermitted));
        put(2);
    } else if (options.sack_permitted) {
        put(nop);
        put(nop);
        put(static_cast<uint8_t>(TcpOptionKind::SackPermitted));
        put(2);
    } else if (options.timestamps) {
        put(nop);
        put(nop);
    }
    if (options.timestamps) {
        put(static_cast<uint8_t>(TcpOptionKind::Timestamps));
        put(10);
        write_be32(out, i, options.timestamps->value);
        write_be32(out, i + 4, options.timestamps->echo_reply);
        i += 8;
    }
    if (options.window_scale) {
        put(nop);
        put(static_cast<uint8_t>(TcpOptionKind::WindowScale));
        put(3);
        put(*options.window_scale);
    }
    if (options.sack_block_count > 0) {
        put(nop);
        put(nop);
        put(static_cast<uint8_t>(TcpOptionKind::Sack));
        put(static_cast<uint8_t>(2 + 8 * options.sack_block_count));
        for (size_t b = 0; b < options.sack_block_count; ++b) {
            write_be32(out, i, options.sack_blocks[b].left_edge);
            write_be32(out, i + 4, options.sack_blocks[b].right_edge);
            i += 8;
        }
    }
    while (i < size) put(static_cast<uint8_t>(TcpOptionKind::EndOfOptionList));
    return size;
}

}  // namespace ingot::net
