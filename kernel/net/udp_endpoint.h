// A UDP endpoint: the state behind one datagram socket (bind, connect, a bounded receive
// queue, send with source address selection), for the socket system calls to drive.
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/udp.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::net {

// What receive_from() returns about one datagram.
struct ReceivedDatagram {
    Ipv4Endpoint source;
    Ipv4Address destination;  // the address it was sent to (ours or a broadcast)
    size_t copied = 0;        // bytes written to the caller's buffer
    size_t length = 0;        // the whole payload (larger than copied: MSG_TRUNC)
};

class UdpEndpoint {
public:
    // Linux's net.core.rmem_default: the receive queue's byte limit unless changed.
    static constexpr size_t default_receive_buffer = 212992;

    // An unbound endpoint registered with udp, which must outlive it.
    explicit UdpEndpoint(Udp& udp, size_t receive_buffer_bytes = default_receive_buffer);
    ~UdpEndpoint();
    UdpEndpoint(const UdpEndpoint&) = delete;
    UdpEndpoint& operator=(const UdpEndpoint&) = delete;

    // Binds to local (address any() or ours; port 0 picks an ephemeral port). EINVAL if
    // already bound, EADDRNOTAVAIL for an address that is not ours, EADDRINUSE if taken.
    Result<void> bind(Ipv4Endpoint local);

    // Sets the default destination and accepts datagrams only from it (RFC 1122 §4.1.3.4
    // leaves filtering to the application interface; this is the BSD behaviour). Binds to an
    // ephemeral port first if unbound. EINVAL for port 0 or address any().
    Result<void> connect(Ipv4Endpoint remote);

    // Forgets the connected peer (connect with AF_UNSPEC).
    void disconnect();

    // Sends payload to destination, or to the connected peer when nullopt (EDESTADDRREQ if
    // there is none). Binds an ephemeral port first if unbound. Returns payload.size(), or a
    // pending error (ECONNREFUSED after a port unreachable), EMSGSIZE above the path limit
    // (1472 bytes on Ethernet; datagrams are never fragmented), or an IPv4 send error.
    Result<size_t> send_to(std::span<const uint8_t> payload, std::optional<Ipv4Endpoint> destination);

    // Copies the oldest queued datagram's payload into out (cut to fit) and, unless peek,
    // removes it. EAGAIN when the queue is empty; a pending error is returned (and cleared)
    // first.
    Result<ReceivedDatagram> receive_from(std::span<uint8_t> out, bool peek = false);

    // poll/epoll readiness: readable with a datagram or a pending error queued; a UDP
    // endpoint is always writable (sends never wait).
    bool readable() const { return head_ < queue_.size() || pending_error_ != Errno{0}; }
    bool writable() const { return true; }

    // Returns and clears the pending error (SO_ERROR); Errno{0} when none.
    Errno take_error();

    std::optional<Ipv4Endpoint> local() const;
    std::optional<Ipv4Endpoint> remote() const;
    size_t queued_datagrams() const { return queue_.size() - head_; }
    size_t queued_bytes() const { return queued_bytes_; }
    // The payload size of the next datagram (FIONREAD), 0 when empty.
    size_t next_datagram_size() const;
    uint64_t dropped() const { return dropped_; }
    void set_receive_buffer(size_t bytes) { receive_buffer_ = bytes; }

private:
    friend class Udp;

    struct Queued {
        Ipv4Endpoint source;
        Ipv4Address destination;
        std::vector<uint8_t> payload;
    };

    // Queues a received datagram; false (counted) when the byte limit leaves no room.
    bool enqueue(Ipv4Endpoint source, Ipv4Address destination, std::span<const uint8_t> payload);
    void pop_front();
    Result<void> bind_ephemeral();

    Udp& udp_;
    UdpEndpoint* next_ = nullptr;
    UdpEndpoint* previous_ = nullptr;
    bool bound_ = false;
    Ipv4Endpoint local_;
    bool connected_ = false;
    Ipv4Endpoint remote_;
    Errno pending_error_ = Errno{0};
    std::vector<Queued> queue_;
    size_t head_ = 0;  // queue_[0, head_) are consumed, reclaimed in batches
    size_t queued_bytes_ = 0;
    size_t receive_buffer_;
    uint64_t dropped_ = 0;
};

}  // namespace ingot::net
