// The text of the two files that make a C library's resolver work: /etc/resolv.conf
// (resolv.conf(5): name servers and search domain) and /etc/hosts (hosts(5): localhost and
// the machine's own name). glibc and musl both read them at every lookup.
#pragma once

#include <net/net_types.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot::net {

// "nameserver A.B.C.D" per server (glibc uses the first three) and "search DOMAIN" when given.
std::vector<uint8_t> resolv_conf_text(std::span<const Ipv4Address> name_servers, std::string_view search_domain);

// localhost on 127.0.0.1 (and ::1), and host_name on address unless it is unspecified.
std::vector<uint8_t> hosts_text(Ipv4Address address, std::string_view host_name);

}  // namespace ingot::net
