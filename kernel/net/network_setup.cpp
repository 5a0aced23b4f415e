#include <drivers/pci/pci_config_space.h>
#include <drivers/virtio/network_device_discovery.h>
#include <lib/clock.h>
#include <lib/log.h>
#include <lib/random.h>
#include <net/network_setup.h>
#include <net/network_stack.h>

namespace ingot::net {
namespace {

struct Ipv4Setting {
    Ipv4Address address;
    uint8_t prefix_length = 24;
    Ipv4Address gateway;
};

// "A.B.C.D/P" (prefix 0..32; /24 when left out) and an optional gateway "A.B.C.D".
std::optional<Ipv4Setting> parse_setting(std::string_view ip, std::string_view gateway) {
    Ipv4Setting setting;
    size_t slash = ip.find('/');
    auto address = Ipv4Address::parse(ip.substr(0, slash));
    if (!address) return std::nullopt;
    setting.address = *address;
    if (slash != std::string_view::npos) {
        std::string_view prefix = ip.substr(slash + 1);
        if (prefix.empty() || prefix.size() > 2) return std::nullopt;
        unsigned value = 0;
        for (char c : prefix) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        if (value > 32) return std::nullopt;
        setting.prefix_length = static_cast<uint8_t>(value);
    }
    if (!gateway.empty()) {
        auto parsed = Ipv4Address::parse(gateway);
        if (!parsed) return std::nullopt;
        setting.gateway = *parsed;
    }
    return setting;
}

}  // namespace

void start_networking(std::string_view command_line, const image::BootConfig& config) {
    std::string_view ip = config.option("ip");
    if (ip.empty()) return;
    auto setting = parse_setting(ip, config.option("gateway"));
    if (!setting) {
        log_error("net: malformed ip=%.*s or gateway= option; networking is off", static_cast<int>(ip.size()), ip.data());
        return;
    }
    auto found = virtio::find_network_device({.pci = &pci::platform_pci_config_space(), .command_line = command_line});
    if (!found.ok()) {
        log_error("net: no usable network card (%s); networking is off", errno_name(found.error()));
        return;
    }
    NetworkDevice& device = *found.value().net;
    InterfaceConfig interface_config;
    interface_config.mac = device.device_mac();
    interface_config.address = setting->address;
    interface_config.prefix_length = setting->prefix_length;
    interface_config.gateway = setting->gateway;
    SipHashKey secret;
    fill_random(secret.data(), secret.size());
    uint32_t port_seed;
    fill_random(&port_seed, sizeof(port_seed));
    auto* stack = new NetworkStack(device, interface_config, TcpConfig{}, secret, port_seed);
    set_machine_network(stack);
    add_event_source(*stack);
    stack->interface().announce(monotonic_ns());

    char address[16], gateway[16];
    setting->address.format(address);
    setting->gateway.format(gateway);
    const auto& m = interface_config.mac.bytes;
    log_info("net: %s/%u gateway %s mac %02x:%02x:%02x:%02x:%02x:%02x (%s)", address, setting->prefix_length,
             gateway, m[0], m[1], m[2], m[3], m[4], m[5], found.value().transport);
}

}  // namespace ingot::net
