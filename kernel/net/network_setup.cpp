#include <drivers/pci/pci_config_space.h>
#include <drivers/virtio/network_device_discovery.h>
#include <fs/path_resolver.h>
#include <fs/root_filesystem.h>
#include <fs/vfs.h>
#include <lib/clock.h>
#include <lib/format.h>
#include <lib/log.h>
#include <lib/random.h>
#include <net/loopback_only_device.h>
#include <net/network_setup.h>
#include <net/network_stack.h>
#include <net/resolver_files.h>
#include <proc/host_name.h>

#include <array>

namespace ingot::net {
namespace {

// How long the program's start waits for a DHCP lease; the client keeps trying afterwards.
constexpr uint64_t dhcp_boot_wait_ns = 10'000'000'000;

struct StaticSetting {
    Ipv4Address address;
    uint8_t prefix_length = 24;
    Ipv4Address gateway;
    std::array<Ipv4Address, dhcp_max_dns_servers> dns{};
    size_t dns_count = 0;
};

// A decimal number of at most max_digits digits, no larger than limit.
std::optional<unsigned> parse_small_number(std::string_view text, size_t max_digits, unsigned limit) {
    if (text.empty() || text.size() > max_digits) return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > limit) return std::nullopt;
    return value;
}

// "A.B.C.D/P" (prefix 0..32; /24 when left out), an optional gateway and an optional
// comma-separated list of name servers.
std::optional<StaticSetting> parse_static(std::string_view ip, std::string_view gateway, std::string_view dns) {
    StaticSetting setting;
    size_t slash = ip.find('/');
    auto address = Ipv4Address::parse(ip.substr(0, slash));
    if (!address) return std::nullopt;
    setting.address = *address;
    if (slash != std::string_view::npos) {
        auto prefix = parse_small_number(ip.substr(slash + 1), 2, 32);
        if (!prefix) return std::nullopt;
        setting.prefix_length = static_cast<uint8_t>(*prefix);
    }
    if (!gateway.empty()) {
        auto parsed = Ipv4Address::parse(gateway);
        if (!parsed) return std::nullopt;
        setting.gateway = *parsed;
    }
    while (!dns.empty()) {
        size_t comma = dns.find(',');
        auto server = Ipv4Address::parse(dns.substr(0, comma));
        if (!server || setting.dns_count == setting.dns.size()) return std::nullopt;
        setting.dns[setting.dns_count++] = *server;
        dns = comma == std::string_view::npos ? std::string_view() : dns.substr(comma + 1);
    }
    return setting;
}

// Writes /etc/resolv.conf and /etc/hosts, except where the image brought its own: what is
// there at the first write stays, as the user put it there on purpose.
class ResolverFiles {
public:
    void update(Ipv4Address address, std::span<const Ipv4Address> dns, std::string_view domain) {
        write(hosts_, "/etc/hosts", hosts_text(address, machine_host_name));
        write(resolv_conf_, "/etc/resolv.conf", resolv_conf_text(dns, domain));
    }

private:
    enum class Owner { Unknown, Image, Kernel };

    static void write(Owner& owner, std::string_view path, std::vector<uint8_t> text) {
        if (owner == Owner::Unknown) {
            bool exists = vfs::lookup(vfs::root(), path, false).ok();
            owner = exists ? Owner::Image : Owner::Kernel;
            if (exists) log_debug("net: keeping the image's %.*s", static_cast<int>(path.size()), path.data());
        }
        if (owner != Owner::Kernel) return;
        if (auto written = put_system_file(path, std::move(text)); !written.ok())
            log_error("net: cannot write %.*s (%s)", static_cast<int>(path.size()), path.data(), errno_name(written.error()));
    }

    Owner hosts_ = Owner::Unknown;
    Owner resolv_conf_ = Owner::Unknown;
};

// One line on the kernel channel for the address the machine now has.
void report_address(Ipv4Address address, uint8_t prefix_length, Ipv4Address gateway, MacAddress mac,
                    std::span<const Ipv4Address> dns, const char* how) {
    char address_text[16], gateway_text[16] = "none", dns_text[16] = "none";
    address.format(address_text);
    if (!gateway.is_unspecified()) gateway.format(gateway_text);
    if (!dns.empty()) dns[0].format(dns_text);
    const auto& m = mac.bytes;
    log_info("net: %s/%u gateway %s dns %s mac %02x:%02x:%02x:%02x:%02x:%02x (%s)", address_text, prefix_length,
             gateway_text, dns_text, m[0], m[1], m[2], m[3], m[4], m[5], how);
}

// Applies DHCP's leases: reports each new one and rewrites the resolver files.
class LeaseReporter final : public DhcpObserver {
public:
    LeaseReporter(MacAddress mac, ResolverFiles& files) : mac_(mac), files_(files) {}

    void lease_bound(const DhcpLease& lease) override {
        char server[16], how[64];
        lease.server.format(server);
        if (lease.lease_seconds == infinite_lease)
            format_to(how, sizeof(how), "DHCP from %s, lease infinite", server);
        else
            format_to(how, sizeof(how), "DHCP from %s, lease %u s", server, lease.lease_seconds);
        std::span<const Ipv4Address> dns(lease.dns.data(), lease.dns_count);
        report_address(lease.address, lease.prefix_length, lease.gateway, mac_, dns, how);
        files_.update(lease.address, dns, lease.domain.data());
    }

    void lease_lost() override {
        log_error("net: the DHCP lease ended; no address until a server answers");
        files_.update(Ipv4Address::any(), {}, {});
    }

private:
    MacAddress mac_;
    ResolverFiles& files_;
};

// Makes the machine's stack over device and hooks it into the kernel's wait loop.
NetworkStack& install_stack(NetworkDevice& device, const InterfaceConfig& config) {
    SipHashKey secret;
    fill_random(secret.data(), secret.size());
    uint32_t port_seed;
    fill_random(&port_seed, sizeof(port_seed));
    auto* stack = new NetworkStack(device, config, TcpConfig{}, secret, port_seed);
    set_machine_network(stack);
    add_event_source(*stack);
    return *stack;
}

}  // namespace

// Without a card the stack still runs, for loopback alone, and /etc/hosts names localhost.
void start_loopback_networking() {
    static LoopbackOnlyDevice device;
    install_stack(device, InterfaceConfig{});
    ResolverFiles().update(Ipv4Address::any(), {}, {});
}

void start_networking(std::string_view command_line, const image::BootConfig& config) {
    std::string_view ip = config.option("ip");
    if (ip.empty()) {
        start_loopback_networking();
        return;
    }
    bool use_dhcp = ip == "dhcp";
    std::optional<StaticSetting> setting;
    if (!use_dhcp) {
        setting = parse_static(ip, config.option("gateway"), config.option("dns"));
        if (!setting) {
            log_error("net: malformed ip=, gateway= or dns= option (ip=%.*s); only loopback works",
                      static_cast<int>(ip.size()), ip.data());
            start_loopback_networking();
            return;
        }
    }
    auto found = virtio::find_network_device({.pci = &pci::platform_pci_config_space(), .command_line = command_line});
    if (!found.ok()) {
        log_error("net: no usable network card (%s); only loopback works", errno_name(found.error()));
        start_loopback_networking();
        return;
    }
    NetworkDevice& device = *found.value().net;
    InterfaceConfig interface_config;
    interface_config.mac = device.device_mac();
    if (setting) {
        interface_config.address = setting->address;
        interface_config.prefix_length = setting->prefix_length;
        interface_config.gateway = setting->gateway;
    }
    NetworkStack* stack = &install_stack(device, interface_config);
    auto* files = new ResolverFiles();

    if (setting) {
        stack->interface().announce(monotonic_ns());
        std::span<const Ipv4Address> dns(setting->dns.data(), setting->dns_count);
        report_address(setting->address, setting->prefix_length, setting->gateway, interface_config.mac, dns,
                       found.value().transport);
        files->update(setting->address, dns, {});
        return;
    }
    auto* reporter = new LeaseReporter(interface_config.mac, *files);
    uint32_t dhcp_seed;
    fill_random(&dhcp_seed, sizeof(dhcp_seed));
    if (auto started = stack->start_dhcp(reporter, dhcp_seed, monotonic_ns()); !started.ok()) {
        log_error("net: cannot start DHCP (%s); networking has no address", errno_name(started.error()));
        return;
    }
    bool leased = wait_until_uninterruptible([&] { return stack->dhcp()->has_lease(); },
                                             monotonic_ns() + dhcp_boot_wait_ns);
    if (!leased)
        log_error("net: no DHCP answer within %lu s; the program starts without an address (still asking)",
                  dhcp_boot_wait_ns / 1'000'000'000);
}

}  // namespace ingot::net
