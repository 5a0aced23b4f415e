#include <net/socket/socket_events.h>

namespace ingot::net {

void SocketEvents::socket_event(TcpHandle handle) {
    if (handle.index >= counts_.size()) counts_.resize(handle.index + 1, 0);
    ++counts_[handle.index];
}

uint64_t SocketEvents::generation(TcpHandle handle) const {
    return handle.index < counts_.size() ? counts_[handle.index] : 0;
}

SocketEvents& socket_events() {
    static SocketEvents events;
    return events;
}

}  // namespace ingot::net
