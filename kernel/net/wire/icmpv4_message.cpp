#include <net/wire/checksum.h>
#include <net/wire/icmpv4_message.h>

#include <algorithm>
#include <cstring>

namespace ingot::net {

Result<Icmpv4Message> Icmpv4Message::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < header_size) return Errno::EMSGSIZE;
    // RFC 792: the checksum covers the ICMP message from the type field on.
    if (!internet_checksum_valid(bytes)) return Errno::EINVAL;
    return Icmpv4Message(bytes);
}

bool Icmpv4Message::is_error() const {
    switch (static_cast<Icmpv4Type>(type())) {
    case Icmpv4Type::DestinationUnreachable:
    case Icmpv4Type::SourceQuench:
    case Icmpv4Type::Redirect:
    case Icmpv4Type::TimeExceeded:
    case Icmpv4Type::ParameterProblem:
        return true;
    default:
        return false;
    }
}

Result<size_t> emit_icmpv4_message(uint8_t type, uint8_t code, uint32_t rest_of_header,
                                   std::span<const uint8_t> data, std::span<uint8_t> out) {
    size_t length = Icmpv4Message::header_size + data.size();
    if (out.size() < length) return Errno::EMSGSIZE;
    out[0] = type;
    out[1] = code;
    write_be16(out, 2, 0);
    write_be32(out, 4, rest_of_header);
    if (!data.empty()) std::memmove(out.data() + Icmpv4Message::header_size, data.data(), data.size());
    write_be16(out, 2, internet_checksum(out.first(length)));
    return length;
}

Result<size_t> emit_icmpv4_echo(Icmpv4Type type, uint16_t identifier, uint16_t sequence_number,
                                std::span<const uint8_t> data, std::span<uint8_t> out) {
    uint32_t rest = (uint32_t{identifier} << 16) | sequence_number;
    return emit_icmpv4_message(static_cast<uint8_t>(type), 0, rest, data, out);
}

Result<size_t> emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode code,
                                                   std::span<const uint8_t> original,
                                                   uint16_t next_hop_mtu,
                                                   std::span<uint8_t> out) {
    if (out.size() < Icmpv4Message::header_size) return Errno::EMSGSIZE;
    size_t quoted = std::min({original.size(), icmpv4_max_quoted_size,
                              out.size() - Icmpv4Message::header_size});
    uint32_t rest = code == Icmpv4UnreachableCode::FragmentationNeeded ? next_hop_mtu : 0;
    return emit_icmpv4_message(static_cast<uint8_t>(Icmpv4Type::DestinationUnreachable),
                               static_cast<uint8_t>(code), rest, original.first(quoted), out);
}

}  // namespace ingot::net
