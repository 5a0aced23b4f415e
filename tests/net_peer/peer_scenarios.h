// What ingot-net-peer does with its TCP stack, one connection each, through the socket-level
// API the kernel's socket layer uses (net/tcp/tcp_stack.h):
//   send HOST PORT BYTES     connect to HOST:PORT, send BYTES of the stream pattern, shut
//                            down writing and wait for the peer to close;
//   receive PORT BYTES       accept one connection, read until end of stream and check that
//                            exactly BYTES arrived, each one equal to the pattern;
//   echo PORT BYTES          accept one connection, check what arrives against the pattern
//                            and write it back, until end of stream after BYTES.
// Scenarios never block: the driver loop calls step() whenever frames or timers were handled.
#pragma once

#include "stream_pattern.h"

#include <net/tcp/tcp_stack.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ingot::net_peer {

enum class Progress { Running, Done, Failed };

class Scenario {
public:
    virtual ~Scenario() = default;
    // Opens the connection or listener; false and error on failure.
    virtual bool start(net::TcpStack& tcp, uint64_t now_ns, std::string& error) = 0;
    // Moves data as far as the stack allows right now.
    virtual Progress step(net::TcpStack& tcp, uint64_t now_ns) = 0;
    // Resets the connection (RST), so that the peer learns at once that the run failed.
    void abort(net::TcpStack& tcp, uint64_t now_ns);
    // Why step() failed, once it returned Failed.
    const std::string& error() const { return error_; }
    // Payload bytes moved in the checked direction, when the data phase started and ended.
    uint64_t bytes() const { return bytes_; }
    uint64_t first_byte_ns() const { return first_byte_ns_; }
    uint64_t last_byte_ns() const { return last_byte_ns_; }
    uint32_t crc() const { return crc_.value(); }
    // The connection, once there is one (for statistics).
    std::optional<net::TcpHandle> connection() const { return connection_; }

    // Builds the scenario named by args ("send", HOST, PORT, BYTES ...); nullptr and error
    // when they do not name one.
    static std::unique_ptr<Scenario> create(const std::vector<std::string>& args,
                                            const net::TcpSocketOptions& options, std::string& error);

protected:
    explicit Scenario(const net::TcpSocketOptions& options) : options_(options) {}
    Progress fail(const std::string& why);
    Progress fail(const char* what, Errno error);
    // Accepts the listener's first connection when one is waiting.
    void try_accept(net::TcpStack& tcp);
    // Reads everything readable, checking it against the pattern and appending it to
    // echo (when given). Sets end_of_stream at EOF; Failed on a mismatch or an error.
    Progress read_and_check(net::TcpStack& tcp, uint64_t now_ns, std::vector<uint8_t>* echo);

    net::TcpSocketOptions options_;
    std::optional<net::TcpHandle> listener_, connection_;
    StreamPattern pattern_;
    Crc32 crc_;
    uint64_t expected_ = 0;
    uint64_t bytes_ = 0;
    uint64_t first_byte_ns_ = 0, last_byte_ns_ = 0;
    bool end_of_stream_ = false;
    std::vector<uint8_t> buffer_ = std::vector<uint8_t>(64 * 1024);
    std::string error_;
};

}  // namespace ingot::net_peer
