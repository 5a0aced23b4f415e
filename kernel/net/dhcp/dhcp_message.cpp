#include <net/dhcp/dhcp_message.h>
#include <net/wire/bytes.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace ingot::net {
namespace {

// RFC 2131 §2, figure 1: the fixed part of every message.
constexpr size_t op_offset = 0;
constexpr size_t htype_offset = 1;
constexpr size_t hlen_offset = 2;
constexpr size_t xid_offset = 4;
constexpr size_t secs_offset = 8;
constexpr size_t ciaddr_offset = 12;
constexpr size_t yiaddr_offset = 16;
constexpr size_t chaddr_offset = 28;
constexpr size_t cookie_offset = 236;
constexpr size_t options_offset = 240;

constexpr uint8_t boot_request = 1;
constexpr uint8_t boot_reply = 2;
constexpr uint8_t htype_ethernet = 1;  // RFC 1700 "Hardware Type"
constexpr uint8_t ethernet_address_length = 6;
// RFC 2131 §3: 99.130.83.99 starts the options field.
constexpr std::array<uint8_t, 4> magic_cookie = {99, 130, 83, 99};

// RFC 2132 option codes.
enum Option : uint8_t {
    Pad = 0,
    SubnetMask = 1,
    Router = 3,
    DomainNameServer = 6,
    DomainName = 15,
    RequestedAddress = 50,
    LeaseTime = 51,
    MessageType = 53,
    ServerIdentifier = 54,
    ParameterRequestList = 55,
    MaximumMessageSize = 57,
    RenewalTime = 58,
    RebindingTime = 59,
    ClientIdentifier = 61,
    End = 255,
};

constexpr uint8_t requested_parameters[] = {SubnetMask, Router, DomainNameServer, DomainName,
                                            LeaseTime, RenewalTime, RebindingTime};

class OptionWriter {
public:
    explicit OptionWriter(std::span<uint8_t> out) : out_(out), at_(options_offset) {}

    void add(uint8_t code, std::span<const uint8_t> value) {
        out_[at_++] = code;
        out_[at_++] = static_cast<uint8_t>(value.size());
        std::memcpy(out_.data() + at_, value.data(), value.size());
        at_ += value.size();
    }
    void add_address(uint8_t code, Ipv4Address address) { add(code, address.to_bytes()); }
    size_t finish() {
        out_[at_++] = End;
        return at_;
    }

private:
    std::span<uint8_t> out_;
    size_t at_;
};

// A contiguous netmask's prefix length; nullopt for a mask with holes.
std::optional<uint8_t> prefix_of_mask(uint32_t mask) {
    uint8_t length = static_cast<uint8_t>(std::countl_one(mask));
    if (Ipv4Address::prefix_mask(length) != mask) return std::nullopt;
    return length;
}

// Applies one option to the reply; EPROTO when its length is wrong for its code.
Result<void> read_option(uint8_t code, std::span<const uint8_t> value, DhcpServerMessage& reply,
                         bool& has_type) {
    auto need = [&](size_t length) { return value.size() == length; };
    switch (code) {
    case MessageType:
        if (!need(1) || value[0] < 1 || value[0] > 8) return Errno::EPROTO;
        reply.type = static_cast<DhcpMessageType>(value[0]);
        has_type = true;
        return {};
    case ServerIdentifier:
        if (!need(4)) return Errno::EPROTO;
        reply.server = Ipv4Address::from_bytes(value);
        return {};
    case SubnetMask:
        if (!need(4)) return Errno::EPROTO;
        reply.prefix_length = prefix_of_mask(read_be32(value, 0));
        return {};
    case Router:
        if (value.empty() || value.size() % 4 != 0) return Errno::EPROTO;
        reply.router = Ipv4Address::from_bytes(value);
        return {};
    case DomainNameServer:
        if (value.empty() || value.size() % 4 != 0) return Errno::EPROTO;
        reply.dns_count = std::min(value.size() / 4, dhcp_max_dns_servers);
        for (size_t i = 0; i < reply.dns_count; ++i) reply.dns[i] = Ipv4Address::from_bytes(value.subspan(4 * i));
        return {};
    case DomainName: {
        size_t length = std::min(value.size(), reply.domain.size() - 1);
        size_t kept = 0;
        // Only host-name characters (RFC 1123 §2.1) reach /etc/resolv.conf.
        for (size_t i = 0; i < length; ++i) {
            char c = static_cast<char>(value[i]);
            bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '.';
            if (!allowed) return Errno::EPROTO;
            reply.domain[kept++] = c;
        }
        reply.domain[kept] = '\0';
        return {};
    }
    case LeaseTime:
    case RenewalTime:
    case RebindingTime: {
        if (!need(4)) return Errno::EPROTO;
        uint32_t seconds = read_be32(value, 0);
        if (code == LeaseTime) reply.lease_seconds = seconds;
        else if (code == RenewalTime) reply.renewal_seconds = seconds;
        else reply.rebinding_seconds = seconds;
        return {};
    }
    default:
        return {};  // options we did not ask for are skipped
    }
}

}  // namespace

size_t build_dhcp_message(const DhcpClientMessage& message, std::span<uint8_t> out) {
    std::memset(out.data(), 0, dhcp_max_client_message);
    out[op_offset] = boot_request;
    out[htype_offset] = htype_ethernet;
    out[hlen_offset] = ethernet_address_length;
    write_be32(out, xid_offset, message.transaction_id);
    write_be16(out, secs_offset, message.seconds);
    // Flags stay 0: replies may be unicast to us before we have an address, which the
    // interface accepts while unconfigured (RFC 2131 §4.1).
    std::memcpy(out.data() + ciaddr_offset, &message.client_address.value_be, 4);
    std::memcpy(out.data() + chaddr_offset, message.client_mac.bytes.data(), 6);
    std::memcpy(out.data() + cookie_offset, magic_cookie.data(), magic_cookie.size());

    OptionWriter options(out);
    const uint8_t type = static_cast<uint8_t>(message.type);
    options.add(MessageType, std::span(&type, 1));
    // RFC 2132 §9.14: hardware type 1 followed by the MAC identifies us across leases.
    std::array<uint8_t, 7> client_id{htype_ethernet};
    std::copy(message.client_mac.bytes.begin(), message.client_mac.bytes.end(), client_id.begin() + 1);
    options.add(ClientIdentifier, client_id);
    if (message.requested) options.add_address(RequestedAddress, *message.requested);
    if (message.server) options.add_address(ServerIdentifier, *message.server);
    if (message.type == DhcpMessageType::Discover || message.type == DhcpMessageType::Request) {
        options.add(ParameterRequestList, requested_parameters);
        // RFC 2132 §9.10: the largest reply we accept, an Ethernet MTU's worth.
        std::array<uint8_t, 2> maximum{};
        write_be16(maximum, 0, 1500);
        options.add(MaximumMessageSize, maximum);
    }
    options.finish();
    // RFC 1542 §2.1: BOOTP messages are at least 300 bytes; relays may drop shorter ones. The
    // rest is zero padding (option 0 after End).
    return dhcp_max_client_message;
}

Result<DhcpServerMessage> parse_dhcp_reply(std::span<const uint8_t> bytes) {
    if (bytes.size() < options_offset) return Errno::EPROTO;
    if (bytes[op_offset] != boot_reply || bytes[htype_offset] != htype_ethernet ||
        bytes[hlen_offset] != ethernet_address_length)
        return Errno::EPROTO;
    if (!std::equal(magic_cookie.begin(), magic_cookie.end(), bytes.begin() + cookie_offset)) return Errno::EPROTO;
    DhcpServerMessage reply;
    reply.transaction_id = read_be32(bytes, xid_offset);
    reply.your_address = Ipv4Address::from_bytes(bytes.subspan(yiaddr_offset));
    reply.client_mac = MacAddress::from_bytes(bytes.subspan(chaddr_offset));
    bool has_type = false;
    size_t at = options_offset;
    while (at < bytes.size()) {
        uint8_t code = bytes[at++];
        if (code == Pad) continue;
        if (code == End) break;
        if (at >= bytes.size()) return Errno::EPROTO;
        size_t length = bytes[at++];
        if (length > bytes.size() - at) return Errno::EPROTO;
        TRY(read_option(code, bytes.subspan(at, length), reply, has_type));
        at += length;
    }
    if (!has_type) return Errno::EPROTO;
    return reply;
}

}  // namespace ingot::net
