#include <lib/clock.h>
#include <net/network_stack.h>

namespace ingot::net {
namespace {
NetworkStack* the_network = nullptr;
}

NetworkStack* machine_network() { return the_network; }
void set_machine_network(NetworkStack* stack) { the_network = stack; }

void drain_network(uint64_t limit_ns) {
    if (!the_network) return;
    TcpStack& tcp = the_network->tcp();
    (void)wait_until_uninterruptible([&] { return tcp.unsettled_connection_count() == 0; }, monotonic_ns() + limit_ns);
}

NetworkStack::NetworkStack(NetworkDevice& device, const InterfaceConfig& config, const TcpConfig& tcp_config,
                           const SipHashKey& secret, uint32_t port_seed)
    : device_(device), interface_(device, config), udp_(interface_, &interface_.icmp(), port_seed),
      tcp_(interface_, tcp_config, secret) {
    interface_.register_protocol(static_cast<uint8_t>(IpProtocol::Udp), &udp_);
    interface_.register_protocol(static_cast<uint8_t>(IpProtocol::Tcp), &tcp_);
}

Result<void> NetworkStack::start_dhcp(DhcpObserver* observer, uint32_t random_seed, uint64_t now_ns) {
    if (dhcp_) return Errno::EALREADY;
    dhcp_.emplace(interface_, udp_, observer, random_seed);
    auto started = dhcp_->start(now_ns);
    if (!started.ok()) dhcp_.reset();
    return started;
}

void NetworkStack::poll(uint64_t now_ns) {
    device_.collect([&](std::span<const uint8_t> frame) { interface_.receive_frame(frame, now_ns); });
    interface_.poll(now_ns);
    tcp_.poll(now_ns);
    if (dhcp_) dhcp_->poll(now_ns);
}

uint64_t NetworkStack::next_deadline() const {
    uint64_t deadline = tcp_.next_timer_deadline();
    if (auto next = interface_.next_deadline(); next && *next < deadline) deadline = *next;
    if (dhcp_) {
        if (auto next = dhcp_->next_deadline(); next && *next < deadline) deadline = *next;
    }
    return deadline;
}

}  // namespace ingot::net
