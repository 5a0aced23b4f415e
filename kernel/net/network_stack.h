// The machine's network: one device, its Interface (Ethernet, ARP, IPv4, ICMP) and the UDP and
// TCP transports, driven as an event source of the kernel's wait loop (proc/event_loop.h).
#pragma once

#include <net/dhcp/dhcp_client.h>
#include <net/interface.h>
#include <net/network_device.h>
#include <net/tcp/siphash.h>
#include <net/tcp/tcp_stack.h>
#include <net/udp.h>
#include <proc/event_loop.h>

#include <cstdint>
#include <optional>

namespace ingot::net {

class NetworkStack final : public EventSource {
public:
    // secret keys TCP's initial sequence numbers and port choices; port_seed UDP's.
    NetworkStack(NetworkDevice& device, const InterfaceConfig& config, const TcpConfig& tcp_config,
                 const SipHashKey& secret, uint32_t port_seed);
    NetworkStack(const NetworkStack&) = delete;
    NetworkStack& operator=(const NetworkStack&) = delete;

    // Delivers received frames and runs every protocol timer due by now_ns.
    void poll(uint64_t now_ns) override;
    uint64_t next_deadline() const override;

    // Acquires the interface's address with DHCP from now on (the interface starts without
    // one); observer (may be null) hears of leases. EADDRINUSE if UDP port 68 is taken.
    Result<void> start_dhcp(DhcpObserver* observer, uint32_t random_seed, uint64_t now_ns);
    // The DHCP client; nullptr unless start_dhcp() was called.
    const DhcpClient* dhcp() const { return dhcp_ ? &*dhcp_ : nullptr; }

    Interface& interface() { return interface_; }
    Udp& udp() { return udp_; }
    TcpStack& tcp() { return tcp_; }

private:
    NetworkDevice& device_;
    Interface interface_;
    Udp udp_;
    TcpStack tcp_;
    std::optional<DhcpClient> dhcp_;  // after udp_: its endpoint must go first
};

// Before power-off: lets the program's TCP connections deliver what it wrote and their FIN, as
// Linux keeps sending after a process exits, for at most `limit_ns`. The caller has closed
// the program's descriptors.
void drain_network(uint64_t limit_ns);

// The machine's network stack; nullptr when the machine has no network device.
NetworkStack* machine_network();
void set_machine_network(NetworkStack* stack);

}  // namespace ingot::net
