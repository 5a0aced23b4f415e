#include <ingot/network_options.h>

#include <ingot/tool_error.h>

#include <arpa/inet.h>

#include <charconv>

namespace ingot::tool {
namespace {

bool valid_ipv4(const std::string& text) {
    in_addr address;
    return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

// "A.B.C.D/P" with P in 0..32.
bool valid_ipv4_with_prefix(const std::string& text) {
    size_t slash = text.find('/');
    if (slash == std::string::npos || !valid_ipv4(text.substr(0, slash))) return false;
    unsigned prefix = 0;
    const char* first = text.data() + slash + 1;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(first, last, prefix);
    return error == std::errc() && end == last && first != last && prefix <= 32;
}

uint16_t parse_port(const std::string& text, const std::string& whole) {
    unsigned port = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (error != std::errc() || end != text.data() + text.size() || text.empty() || port == 0 || port > 65535)
        throw usage_error("-p: bad port in '" + whole + "' (expected HOSTPORT:GUESTPORT[/udp], ports 1-65535)");
    return static_cast<uint16_t>(port);
}

PortForward parse_forward(const std::string& text) {
    PortForward forward;
    std::string ports = text;
    if (size_t slash = text.find('/'); slash != std::string::npos) {
        std::string protocol = text.substr(slash + 1);
        if (protocol != "udp" && protocol != "tcp")
            throw usage_error("-p: unknown protocol in '" + text + "' (use /tcp or /udp)");
        forward.udp = protocol == "udp";
        ports = text.substr(0, slash);
    }
    size_t colon = ports.find(':');
    if (colon == std::string::npos) throw usage_error("-p: expected HOSTPORT:GUESTPORT, got '" + text + "'");
    forward.host_port = parse_port(ports.substr(0, colon), text);
    forward.guest_port = parse_port(ports.substr(colon + 1), text);
    return forward;
}

}  // namespace

NetworkOptions parse_network_options(const std::string& net, const std::optional<std::string>& ip,
                                     const std::optional<std::string>& gateway,
                                     const std::vector<std::string>& publish) {
    NetworkOptions options;
    if (net == "none") {
        if (ip || gateway || !publish.empty()) throw usage_error("--ip, --gateway and -p need --net user or --net tap:IFNAME");
        return options;
    }
    if (net == "user") {
        options.mode = NetworkOptions::Mode::User;
    } else if (net.rfind("tap:", 0) == 0 && net.size() > 4) {
        options.mode = NetworkOptions::Mode::Tap;
        options.tap_interface = net.substr(4);
        if (!publish.empty()) throw usage_error("-p works with --net user only (a TAP guest is reached at its own address)");
    } else {
        throw usage_error("--net: expected user, tap:IFNAME or none, got '" + net + "'");
    }
    for (const std::string& p : publish) options.forwards.push_back(parse_forward(p));
    if (!ip) {
        if (gateway) throw usage_error("--gateway needs --ip (with DHCP the server names the gateway)");
        return options;  // DHCP
    }
    options.ip = *ip;
    // QEMU's user network puts its gateway and name server at fixed addresses.
    bool user = options.mode == NetworkOptions::Mode::User;
    options.gateway = gateway.value_or(user ? "10.0.2.2" : "");
    if (user) options.dns = "10.0.2.3";
    if (!valid_ipv4_with_prefix(options.ip)) throw usage_error("--ip: expected A.B.C.D/PREFIX, got '" + options.ip + "'");
    if (!options.gateway.empty() && !valid_ipv4(options.gateway))
        throw usage_error("--gateway: expected A.B.C.D, got '" + options.gateway + "'");
    return options;
}

std::vector<std::string> qemu_network_arguments(const NetworkOptions& options, const std::string& machine) {
    std::string netdev;
    switch (options.mode) {
    case NetworkOptions::Mode::None: return {};
    case NetworkOptions::Mode::User:
        netdev = "user,id=net0";
        for (const PortForward& f : options.forwards)
            netdev += ",hostfwd=" + std::string(f.udp ? "udp" : "tcp") + "::" + std::to_string(f.host_port) + "-:" +
                      std::to_string(f.guest_port);
        break;
    case NetworkOptions::Mode::Tap: netdev = "tap,id=net0,ifname=" + options.tap_interface + ",script=no,downscript=no"; break;
    }
    if (machine == "microvm")
        // QEMU 7.2 makes virtio-mmio devices legacy (version 1) unless told otherwise; the
        // kernel drives the modern (version 2) interface.
        return {"-netdev", netdev, "-global", "virtio-mmio.force-legacy=false", "-device", "virtio-net-device,netdev=net0"};
    return {"-netdev", netdev, "-device", "virtio-net-pci,netdev=net0"};
}

std::vector<std::string> network_kernel_options(const NetworkOptions& options) {
    if (options.mode == NetworkOptions::Mode::None) return {};
    if (options.ip.empty()) return {"ip=dhcp"};
    std::vector<std::string> kernel_options = {"ip=" + options.ip};
    if (!options.gateway.empty()) kernel_options.push_back("gateway=" + options.gateway);
    if (!options.dns.empty()) kernel_options.push_back("dns=" + options.dns);
    return kernel_options;
}

}  // namespace ingot::tool
