// Kernel headers first: <cerrno> (pulled in by the standard library) defines the E* names as
// macros, so this file spells Errno::EAGAIN as Errno{EAGAIN}, the same Linux value.
#include <lib/errno.h>

#include "fuzz_application.h"
#include "harness_network.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace ingot::fuzz {
namespace {

constexpr uint32_t kBacklog = 8;
constexpr size_t kMaxConnections = 16;   // connections kept open; more are closed at once
constexpr size_t kMaxClientOpens = 4;
constexpr size_t kResponseBytes = 3000;  // two full segments and a bit
constexpr int kMaxReads = 64;

// Small buffers for accepted connections, so a few segments fill the receive window (zero
// window, window updates) and the send buffer (EAGAIN on send). The client keeps Linux's.
net::TcpSocketOptions server_options() {
    net::TcpSocketOptions options;
    options.receive_buffer_size = 4096;
    options.send_buffer_size = 16384;
    return options;
}

const std::array<uint8_t, kResponseBytes>& response() {
    static const std::array<uint8_t, kResponseBytes> bytes = [] {
        std::array<uint8_t, kResponseBytes> text{};
        for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<uint8_t>('a' + i % 26);
        return text;
    }();
    return bytes;
}

}  // namespace

FuzzApplication::FuzzApplication(net::NetworkStack& stack, uint64_t now) : stack_(stack), udp_(stack.udp()) {
    auto listener = stack_.tcp().listen({net::Ipv4Address::any(), kListenPort}, kBacklog, server_options());
    if (!listener.ok() || !udp_.bind({net::Ipv4Address::any(), kUdpPort}).ok()) {
        std::fputs("network receive harness: cannot set up the application's sockets\n", stderr);
        std::abort();
    }
    listener_ = listener.value();
    open_client(now);
}

void FuzzApplication::serve(uint64_t now, uint8_t actions) {
    net::TcpStack& tcp = stack_.tcp();
    accept_all(now);
    if (!(actions & app_action::hold)) {
        std::erase_if(connections_, [&](net::TcpHandle handle) {
            if (read_all(handle, now)) return false;
            (void)tcp.close(handle, now);
            return true;
        });
    }
    for (net::TcpHandle handle : connections_) {
        if (actions & app_action::tune) tune(handle, now);
        if (actions & app_action::write) (void)tcp.send(handle, response(), now);
        if (actions & app_action::shut) (void)tcp.shutdown(handle, net::TcpShutdown::Write, now);
    }
    if (actions & app_action::close) close_newest(now, false);
    if (actions & app_action::abort) close_newest(now, true);
    if (actions & app_action::connect) open_client(now);
    serve_datagrams(!(actions & app_action::hold), actions & app_action::echo);
}

void FuzzApplication::close_all(uint64_t now) {
    for (net::TcpHandle handle : connections_) (void)stack_.tcp().close(handle, now);
    connections_.clear();
    (void)stack_.tcp().close(listener_, now);
}

void FuzzApplication::accept_all(uint64_t now) {
    for (;;) {
        auto accepted = stack_.tcp().accept(listener_);
        if (!accepted.ok()) return;
        if (harness_tracing()) std::fprintf(stderr, "    accepted connection %u\n", accepted.value().index);
        if (connections_.size() < kMaxConnections) {
            connections_.push_back(accepted.value());
        } else {
            (void)stack_.tcp().close(accepted.value(), now);
        }
    }
}

bool FuzzApplication::read_all(net::TcpHandle handle, uint64_t now) {
    for (int i = 0; i < kMaxReads; ++i) {
        auto read = stack_.tcp().receive(handle, std::span<uint8_t>(buffer_), now);
        if (read.ok() && read.value() > 0) {
            if (harness_tracing()) std::fprintf(stderr, "    connection %u: read %zu bytes\n", handle.index, read.value());
            continue;
        }
        const bool open = !read.ok() && read.error() == Errno{EAGAIN};
        if (!open && harness_tracing())
            std::fprintf(stderr, "    connection %u: %s, closing\n", handle.index,
                         read.ok() ? "end of stream" : errno_name(read.error()));
        return open;
    }
    return true;
}

void FuzzApplication::serve_datagrams(bool read, bool echo) {
    (void)udp_.take_error();
    for (int i = 0; read && i < kMaxReads; ++i) {
        auto received = udp_.receive_from(std::span<uint8_t>(buffer_));
        if (!received.ok()) return;
        if (harness_tracing()) std::fprintf(stderr, "    datagram of %zu bytes\n", received.value().length);
        if (echo) (void)udp_.send_to(std::span<const uint8_t>(buffer_).first(received.value().copied),
                                     received.value().source);
    }
}

void FuzzApplication::open_client(uint64_t now) {
    if (client_opens_ == kMaxClientOpens || connections_.size() == kMaxConnections) return;
    ++client_opens_;
    auto opened = stack_.tcp().connect({net::Ipv4Address::any(), 0}, kActivePeer, {}, now);
    if (opened.ok()) connections_.push_back(opened.value());
}

void FuzzApplication::tune(net::TcpHandle handle, uint64_t now) {
    auto options = stack_.tcp().options(handle);
    if (!options.ok()) return;
    net::TcpSocketOptions tuned = options.value();
    tuned.no_delay = true;
    tuned.keepalive = true;
    tuned.keepalive_idle_ns = net::kTcpSecond;
    tuned.keepalive_interval_ns = net::kTcpSecond;
    tuned.keepalive_probes = 2;
    (void)stack_.tcp().set_options(handle, tuned, now);
}

void FuzzApplication::close_newest(uint64_t now, bool abort) {
    if (connections_.empty()) return;
    const net::TcpHandle newest = connections_.back();
    connections_.pop_back();
    if (abort) {
        if (auto options = stack_.tcp().options(newest); options.ok()) {
            net::TcpSocketOptions lingering = options.value();
            lingering.linger_abort = true;
            (void)stack_.tcp().set_options(newest, lingering, now);
        }
    }
    (void)stack_.tcp().close(newest, now);
}

}  // namespace ingot::fuzz
