#include <net/resolver_files.h>

namespace ingot::net {
namespace {

void append(std::vector<uint8_t>& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

void append(std::vector<uint8_t>& out, Ipv4Address address) {
    char text[16];
    size_t length = address.format(text);
    append(out, std::string_view(text, length));
}

}  // namespace

std::vector<uint8_t> resolv_conf_text(std::span<const Ipv4Address> name_servers, std::string_view search_domain) {
    std::vector<uint8_t> out;
    append(out, "# Written by the Ingot kernel from its network configuration.\n");
    for (Ipv4Address server : name_servers) {
        append(out, "nameserver ");
        append(out, server);
        append(out, "\n");
    }
    if (!search_domain.empty()) {
        append(out, "search ");
        append(out, search_domain);
        append(out, "\n");
    }
    return out;
}

std::vector<uint8_t> hosts_text(Ipv4Address address, std::string_view host_name) {
    std::vector<uint8_t> out;
    append(out, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    if (!address.is_unspecified()) {
        append(out, address);
        append(out, "\t");
        append(out, host_name);
        append(out, "\n");
    }
    return out;
}

}  // namespace ingot::net
