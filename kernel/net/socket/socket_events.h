// Counts what TcpStack reports about each connection (TcpEventSink), so that a socket file's
// event_generation() changes whenever data, space, a connection or a hang-up arrives: epoll's
// edge-triggered mode depends on it.
#pragma once

#include <net/tcp/tcp_stack.h>

#include <cstdint>
#include <vector>

namespace ingot::net {

class SocketEvents final : public TcpEventSink {
public:
    void socket_event(TcpHandle handle) override;
    // How many events the handle's slot has seen (slots are reused; the count only grows).
    uint64_t generation(TcpHandle handle) const;

private:
    std::vector<uint64_t> counts_;
};

// The sink every TCP socket's stack reports to.
SocketEvents& socket_events();

}  // namespace ingot::net
