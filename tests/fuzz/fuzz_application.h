// The program the receive harness runs on top of the stack: a TCP server on port 80 that
// accepts and reads everything, a UDP endpoint on port 7, and a client connection of its own
// to 10.0.2.20:8080. Each record of the fuzz input also picks what it does next (the
// application byte), so sends, half-closes, aborts and socket options mix with arrivals.
#pragma once

#include <net/network_stack.h>
#include <net/tcp/tcp_types.h>
#include <net/udp_endpoint.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ingot::fuzz {

// Bits of the application byte.
namespace app_action {
inline constexpr uint8_t write = 0x01;     // send a 3000-byte response on every connection
inline constexpr uint8_t echo = 0x02;      // send each UDP datagram back to its sender
inline constexpr uint8_t hold = 0x04;      // read nothing this time: receive windows fill
inline constexpr uint8_t tune = 0x08;      // TCP_NODELAY and keep-alive (1 s idle and interval)
inline constexpr uint8_t shut = 0x10;      // shutdown(SHUT_WR) every connection: our FIN
inline constexpr uint8_t close = 0x20;     // close the newest connection
inline constexpr uint8_t abort = 0x40;     // close the newest connection with SO_LINGER 0: RST
inline constexpr uint8_t connect = 0x80;   // open another client connection (at most 4 in all)
}  // namespace app_action

class FuzzApplication {
public:
    // Listens, binds UDP and starts the first client connection.
    FuzzApplication(net::NetworkStack& stack, uint64_t now);
    FuzzApplication(const FuzzApplication&) = delete;
    FuzzApplication& operator=(const FuzzApplication&) = delete;

    // Accepts waiting connections, reads every socket (closing those whose stream ended or
    // failed) unless told to hold, then performs `actions` (app_action bits).
    void serve(uint64_t now, uint8_t actions);

    // Closes every socket, as a program exiting does.
    void close_all(uint64_t now);

private:
    void accept_all(uint64_t now);
    // Reads until nothing is buffered; false once the stream has ended or failed.
    bool read_all(net::TcpHandle handle, uint64_t now);
    void serve_datagrams(bool read, bool echo);
    void open_client(uint64_t now);
    void tune(net::TcpHandle handle, uint64_t now);
    void close_newest(uint64_t now, bool abort);

    net::NetworkStack& stack_;
    net::UdpEndpoint udp_;
    net::TcpHandle listener_;
    std::vector<net::TcpHandle> connections_;  // in the order accepted or opened
    size_t client_opens_ = 0;
    std::array<uint8_t, 2048> buffer_{};
};

}  // namespace ingot::fuzz
