// Kernel headers come before <cerrno>, whose macros lib/errno.h sets aside: values are
// spelled Errno{EAGAIN}, the same Linux numbers.
#include "peer_scenarios.h"

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace ingot::net_peer {

using net::Ipv4Address;
using net::Ipv4Endpoint;
using net::TcpHandle;
using net::TcpStack;

namespace {

bool parse_u64(const std::string& text, uint64_t& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

bool parse_port(const std::string& text, uint16_t& out) {
    uint64_t value = 0;
    if (!parse_u64(text, value) || value == 0 || value > 65535) return false;
    out = static_cast<uint16_t>(value);
    return true;
}

// Connects, writes the pattern, shuts down writing, and waits for the peer's end of stream
// (it closes once it has read and checked everything).
class SendScenario final : public Scenario {
public:
    SendScenario(Ipv4Endpoint remote, uint64_t total, const net::TcpSocketOptions& options)
        : Scenario(options), remote_(remote) {
        expected_ = total;
    }

    bool start(TcpStack& tcp, uint64_t now_ns, std::string& error) override {
        auto handle = tcp.connect({Ipv4Address::any(), 0}, remote_, options_, now_ns);
        if (!handle.ok()) {
            error = std::string("connect: ") + errno_name(handle.error());
            return false;
        }
        connection_ = handle.value();
        return true;
    }

    Progress step(TcpStack& tcp, uint64_t now_ns) override {
        net::TcpReadiness ready = tcp.readiness(*connection_).value_or({});
        if (ready.error) return fail("connection", static_cast<Errno>(tcp.take_error(*connection_).value_or(0)));
        auto state = tcp.state(*connection_);
        if (!state.ok() || state.value() == net::TcpState::SynSent) return Progress::Running;
        if (first_byte_ns_ == 0) first_byte_ns_ = now_ns;
        while (bytes_ < expected_) {
            size_t n = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), expected_ - bytes_));
            std::span<uint8_t> chunk(buffer_.data(), n);
            pattern_.fill(bytes_, chunk);
            auto sent = tcp.send(*connection_, std::span<const uint8_t>(chunk), now_ns);
            if (!sent.ok()) {
                if (sent.error() == Errno{EAGAIN}) break;
                return fail("send", sent.error());
            }
            crc_.update(chunk.first(sent.value()));
            bytes_ += sent.value();
        }
        if (bytes_ == expected_ && !shut_) {
            auto shut = tcp.shutdown(*connection_, net::TcpShutdown::Write, now_ns);
            if (!shut.ok()) return fail("shutdown", shut.error());
            shut_ = true;
        }
        if (shut_ && last_byte_ns_ == 0) {
            // Everything, FIN included, acknowledged: the transfer is complete.
            auto info = tcp.info(*connection_);
            if (info.ok() && info.value().bytes_unsent == 0 && info.value().bytes_in_flight == 0)
                last_byte_ns_ = now_ns;
        }
        // The peer closes after it has checked the stream; anything it sends is unexpected.
        auto got = tcp.receive(*connection_, std::span<uint8_t>(buffer_), now_ns);
        if (!got.ok()) {
            if (got.error() == Errno{EAGAIN}) return Progress::Running;
            return fail("receive", got.error());
        }
        if (got.value() > 0) return fail("the peer sent data to a sending peer");
        if (!shut_) return fail("the peer closed after " + std::to_string(bytes_) + " bytes");
        if (last_byte_ns_ == 0) last_byte_ns_ = now_ns;
        (void)tcp.close(*connection_, now_ns);
        return Progress::Done;
    }

private:
    Ipv4Endpoint remote_;
    bool shut_ = false;
};

// Accepts one connection and checks the stream it carries; echo writes it back as well.
class ReceiveScenario final : public Scenario {
public:
    ReceiveScenario(uint16_t port, uint64_t total, bool echo, const net::TcpSocketOptions& options)
        : Scenario(options), port_(port), echo_(echo) {
        expected_ = total;
    }

    bool start(TcpStack& tcp, uint64_t, std::string& error) override {
        auto handle = tcp.listen({Ipv4Address::any(), port_}, 4, options_);
        if (!handle.ok()) {
            error = std::string("listen: ") + errno_name(handle.error());
            return false;
        }
        listener_ = handle.value();
        return true;
    }

    Progress step(TcpStack& tcp, uint64_t now_ns) override {
        if (!connection_) try_accept(tcp);
        if (!connection_) return Progress::Running;
        if (first_byte_ns_ == 0) first_byte_ns_ = now_ns;
        for (;;) {
            if (echo_ && !flush_echo(tcp, now_ns)) return Progress::Failed;
            if (echo_ && echo_offset_ < pending_.size()) break;  // send buffer full: wait
            if (end_of_stream_) break;
            size_t before = bytes_;
            Progress progress = read_and_check(tcp, now_ns, echo_ ? &pending_ : nullptr);
            if (progress != Progress::Running) return progress;
            if (bytes_ == before && !end_of_stream_) break;  // nothing more to read now
        }
        if (!end_of_stream_ || (echo_ && echo_offset_ < pending_.size())) return Progress::Running;
        if (bytes_ != expected_) {
            return fail("end of stream after " + std::to_string(bytes_) + " bytes, expected " +
                        std::to_string(expected_));
        }
        if (last_byte_ns_ == 0) last_byte_ns_ = now_ns;
        (void)tcp.close(*connection_, now_ns);
        (void)tcp.close(*listener_, now_ns);
        return Progress::Done;
    }

private:
    // Writes what was read and not yet echoed; false after a send error.
    bool flush_echo(TcpStack& tcp, uint64_t now_ns) {
        while (echo_offset_ < pending_.size()) {
            std::span<const uint8_t> rest(pending_.data() + echo_offset_, pending_.size() - echo_offset_);
            auto sent = tcp.send(*connection_, rest, now_ns);
            if (!sent.ok()) {
                if (sent.error() == Errno{EAGAIN}) return true;
                fail("send", sent.error());
                return false;
            }
            echo_offset_ += sent.value();
        }
        pending_.clear();
        echo_offset_ = 0;
        return true;
    }

    uint16_t port_;
    bool echo_;
    std::vector<uint8_t> pending_;  // read, not yet echoed
    size_t echo_offset_ = 0;
};

}  // namespace

Progress Scenario::fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    return Progress::Failed;
}

Progress Scenario::fail(const char* what, Errno error) {
    return fail(std::string(what) + ": " + errno_name(error) + " after " + std::to_string(bytes_) + " bytes");
}

void Scenario::abort(TcpStack& tcp, uint64_t now_ns) {
    if (!connection_) return;
    // SO_LINGER with a zero timeout: close() resets instead of sending FIN.
    auto options = tcp.options(*connection_);
    if (options.ok()) {
        net::TcpSocketOptions aborting = options.value();
        aborting.linger_abort = true;
        (void)tcp.set_options(*connection_, aborting, now_ns);
    }
    (void)tcp.close(*connection_, now_ns);
    connection_.reset();
}

void Scenario::try_accept(TcpStack& tcp) {
    auto accepted = tcp.accept(*listener_);
    if (accepted.ok()) connection_ = accepted.value();
}

Progress Scenario::read_and_check(TcpStack& tcp, uint64_t now_ns, std::vector<uint8_t>* echo) {
    auto got = tcp.receive(*connection_, std::span<uint8_t>(buffer_), now_ns);
    if (!got.ok()) {
        if (got.error() == Errno{EAGAIN}) return Progress::Running;
        return fail("receive", got.error());
    }
    size_t n = got.value();
    if (n == 0) {
        end_of_stream_ = true;
        last_byte_ns_ = now_ns;
        return Progress::Running;
    }
    std::span<const uint8_t> data(buffer_.data(), n);
    if (bytes_ + n > expected_) {
        return fail("more than " + std::to_string(expected_) + " bytes arrived");
    }
    uint64_t mismatch = 0;
    if (!pattern_.matches(bytes_, data, mismatch)) {
        return fail("byte " + std::to_string(mismatch) + " differs from the pattern");
    }
    crc_.update(data);
    bytes_ += n;
    if (echo) echo->insert(echo->end(), data.begin(), data.end());
    return Progress::Running;
}

std::unique_ptr<Scenario> Scenario::create(const std::vector<std::string>& args, const net::TcpSocketOptions& options,
                                           std::string& error) {
    uint64_t bytes = 0;
    uint16_t port = 0;
    if (args.size() == 4 && args[0] == "send") {
        auto host = Ipv4Address::parse(args[1]);
        if (!host || !parse_port(args[2], port) || !parse_u64(args[3], bytes)) {
            error = "usage: send HOST PORT BYTES";
            return nullptr;
        }
        return std::make_unique<SendScenario>(Ipv4Endpoint{*host, port}, bytes, options);
    }
    if (args.size() == 3 && (args[0] == "receive" || args[0] == "echo")) {
        if (!parse_port(args[1], port) || !parse_u64(args[2], bytes)) {
            error = "usage: " + args[0] + " PORT BYTES";
            return nullptr;
        }
        return std::make_unique<ReceiveScenario>(port, bytes, args[0] == "echo", options);
    }
    error = "unknown scenario (send HOST PORT BYTES | receive PORT BYTES | echo PORT BYTES)";
    return nullptr;
}

}  // namespace ingot::net_peer
