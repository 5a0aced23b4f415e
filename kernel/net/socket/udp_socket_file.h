// A SOCK_DGRAM socket over one UdpEndpoint of the machine's stack (udp(7)).
#pragma once

#include <net/network_stack.h>
#include <net/socket/socket_file.h>
#include <net/udp_endpoint.h>

#include <optional>

namespace ingot::net {

class UdpSocketFile final : public SocketFile {
public:
    // Linux's net.core.rmem_default/wmem_default, what SO_RCVBUF/SO_SNDBUF report at first.
    static constexpr uint32_t kDefaultBuffer = 212992;

    // A fresh socket on stack (null: the machine has no network).
    UdpSocketFile(NetworkStack* stack, uint32_t open_flags);

    Result<void> bind(Ipv4Endpoint local) override;
    Result<void> listen(uint32_t) override { return Errno::EOPNOTSUPP; }
    Result<OpenFileRef> accept(uint32_t, Ipv4Endpoint&) override { return Errno::EOPNOTSUPP; }
    Result<void> connect(Ipv4Endpoint remote) override;
    Result<void> disconnect() override;
    Result<size_t> send(IoBuffer& src, std::optional<Ipv4Endpoint> destination, uint32_t flags) override;
    Result<SocketReceived> receive(IoBuffer& dst, uint32_t flags) override;
    Result<void> shutdown(int how) override;
    Ipv4Endpoint local_name() const override;
    Result<Ipv4Endpoint> peer_name() const override;
    int take_error() override;
    void apply_settings() override;

    uint32_t poll_events() const override;
    uint64_t event_generation() const override;
    Result<int> bytes_readable() const override;

private:
    // The largest UDP payload over IPv4 (65535 - 20 - 8).
    static constexpr size_t kMaxPayload = 65507;

    std::optional<UdpEndpoint> endpoint_;
    bool bound_without_network_ = false;
    bool read_shut_ = false;
    bool write_shut_ = false;
    uint64_t consumed_ = 0;  // datagrams taken off the queue
    uint64_t own_events_ = 0;
};

}  // namespace ingot::net
