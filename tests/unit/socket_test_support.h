// A fixture for the socket system calls: two network stacks whose fake Ethernet devices are
// cross-connected (10.0.0.1 "here" and 10.0.0.2 "peer"), both run by the kernel's wait loop,
// simulated user memory and a simulated clock. Sockets bind to the stack that was the machine
// network when they were created, so both ends of a connection can be driven by syscalls.
// Kernel headers come before <cerrno> (through GoogleTest), whose E* macros would rewrite
// their Errno::E* enumerators.
#pragma once

#include <fs/fs_context.h>
#include <linux/sys_socket.h>
#include <linux/syscall.h>
#include <mm/user_memory.h>
#include <net/network_stack.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/thread.h>

#include "fakes/fake_cpu.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_user_memory.h"
#include "fakes/fs_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace ingot::socket_test {

using net::Ipv4Address;

inline constexpr int kAfInet = 2, kSockStream = 1, kSockDgram = 2;
inline constexpr uint64_t kSockNonBlock = 04000, kSockCloexec = 02000000;
inline const Ipv4Address kHereIp = Ipv4Address::from_octets(10, 0, 0, 1);
inline const Ipv4Address kPeerIp = Ipv4Address::from_octets(10, 0, 0, 2);

enum : uint64_t {
    kRead = 0, kWrite = 1, kClose = 3, kFstat = 5, kPoll = 7, kIoctl = 16, kFcntl = 72,
    kEpollWait = 232, kEpollCtl = 233, kEpollCreate1 = 291,
};

inline int64_t sys(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                   uint64_t a4 = 0, uint64_t a5 = 0) {
    return dispatch_syscall(SyscallArgs{nr, {a0, a1, a2, a3, a4, a5}});
}

// A NetworkDevice whose transmitted frames land in its peer's receive queue.
class LinkedDevice final : public net::NetworkDevice {
public:
    explicit LinkedDevice(net::MacAddress mac) : mac_(mac) {}
    void connect(LinkedDevice* peer) { peer_ = peer; }
    Result<void> send_frame(std::span<const uint8_t> frame) override {
        if (peer_ && !cut) peer_->inbox_.emplace_back(frame.begin(), frame.end());
        return {};
    }
    net::MacAddress device_mac() const override { return mac_; }
    void collect(FunctionRef<void(std::span<const uint8_t>)> deliver) override {
        std::vector<std::vector<uint8_t>> frames;
        frames.swap(inbox_);
        for (auto& frame : frames) deliver(frame);
    }
    // Frames wait to be collected: the real device would raise an interrupt now.
    bool has_frames() const { return !inbox_.empty(); }
    bool cut = false;  // drop everything sent (an unplugged cable)

private:
    net::MacAddress mac_;
    LinkedDevice* peer_ = nullptr;
    std::vector<std::vector<uint8_t>> inbox_;
};

// Both stacks, cross-connected.
struct TwoStacks {
    LinkedDevice here_device{net::MacAddress{{0x52, 0x54, 0, 0, 0, 1}}};
    LinkedDevice peer_device{net::MacAddress{{0x52, 0x54, 0, 0, 0, 2}}};
    std::unique_ptr<net::NetworkStack> here, peer;

    TwoStacks() {
        here_device.connect(&peer_device);
        peer_device.connect(&here_device);
        here = std::make_unique<net::NetworkStack>(here_device, config(here_device, kHereIp), net::TcpConfig{},
                                                   net::SipHashKey{1}, 11);
        peer = std::make_unique<net::NetworkStack>(peer_device, config(peer_device, kPeerIp), net::TcpConfig{},
                                                   net::SipHashKey{2}, 22);
    }
    static net::InterfaceConfig config(const LinkedDevice& device, Ipv4Address address) {
        net::InterfaceConfig c;
        c.mac = device.device_mac();
        c.address = address;
        c.prefix_length = 24;
        return c;
    }
};

// Runs both stacks as one event source of the kernel's wait loop, registered only while a
// test runs (other tests expect a machine without event sources).
class TestNetworkSource final : public EventSource {
public:
    explicit TestNetworkSource(TwoStacks& stacks) : stacks_(stacks) {}
    void poll(uint64_t now) override {
        stacks_.here->poll(now);
        stacks_.peer->poll(now);
    }
    uint64_t next_deadline() const override {
        // A frame in flight ends a halt at once, as its interrupt would.
        if (stacks_.here_device.has_frames() || stacks_.peer_device.has_frames()) return 0;
        return std::min(stacks_.here->next_deadline(), stacks_.peer->next_deadline());
    }

private:
    TwoStacks& stacks_;
};

struct SockaddrIn {
    uint16_t family;
    uint16_t port_be;
    uint32_t address_be;
    uint8_t zero[8];
};

inline SockaddrIn sockaddr(Ipv4Address address, uint16_t port) {
    SockaddrIn in{};
    in.family = kAfInet;
    in.port_be = static_cast<uint16_t>((port << 8) | (port >> 8));
    in.address_be = address.value_be;
    return in;
}

class SocketTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_user_memory::reset();
        fs_test::reset_context();
        fake_clock::set_monotonic_ns(1'000'000'000);
        fake_cpu::reset_signals();
        stacks = std::make_unique<TwoStacks>();
        source = std::make_unique<TestNetworkSource>(*stacks);
        add_event_source(*source);
        net::set_machine_network(stacks->here.get());
    }
    void TearDown() override {
        fs_test::reset_context();  // closes every socket while its stack still exists
        remove_event_source(*source);
        source.reset();
        net::set_machine_network(nullptr);
        stacks.reset();
        fake_user_memory::reset();
    }

    // socket(2) on the "here" stack, or on the peer's.
    int socket(int type, bool on_peer = false, uint64_t flags = 0) {
        net::set_machine_network(on_peer ? stacks->peer.get() : stacks->here.get());
        int64_t fd = fs_test::call(sys_socket, {kAfInet, static_cast<uint64_t>(type) | flags, 0});
        net::set_machine_network(stacks->here.get());
        EXPECT_GE(fd, 0);
        return static_cast<int>(fd);
    }
    uint64_t addr(Ipv4Address address, uint16_t port) {
        SockaddrIn in = sockaddr(address, port);
        return fake_user_memory::map_bytes(&in, sizeof(in));
    }
    int64_t bind(int fd, Ipv4Address address, uint16_t port) {
        return fs_test::call(sys_bind, {static_cast<uint64_t>(fd), addr(address, port), sizeof(SockaddrIn)});
    }
    int64_t connect(int fd, Ipv4Address address, uint16_t port) {
        return fs_test::call(sys_connect, {static_cast<uint64_t>(fd), addr(address, port), sizeof(SockaddrIn)});
    }
    int64_t listen(int fd, int backlog = 16) {
        return fs_test::call(sys_listen, {static_cast<uint64_t>(fd), static_cast<uint64_t>(backlog)});
    }
    int64_t accept(int fd, uint64_t flags = 0) {
        return fs_test::call(sys_accept4, {static_cast<uint64_t>(fd), 0, 0, flags});
    }
    int64_t write(int fd, std::string_view text) {
        return sys(kWrite, fd, fake_user_memory::map_bytes(text.data(), text.size()), text.size());
    }
    // read(2) of up to `max` bytes as a string, or "<errno N>".
    std::string read(int fd, size_t max = 4096) {
        uint64_t buffer = fake_user_memory::map(max);
        int64_t n = sys(kRead, fd, buffer, max);
        if (n < 0) return "<errno " + std::to_string(-n) + ">";
        return std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, max)), static_cast<size_t>(n));
    }
    int64_t set_int_option(int fd, int level, int name, int value) {
        return fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), static_cast<uint64_t>(level),
                                              static_cast<uint64_t>(name), fake_user_memory::map_bytes(&value, 4), 4});
    }
    // getsockopt of an int option: the value, or -errno.
    int64_t get_int_option(int fd, int level, int name) {
        int length = 4;
        uint64_t value = fake_user_memory::map(4);
        uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
        int64_t r = fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), static_cast<uint64_t>(level),
                                                   static_cast<uint64_t>(name), value, user_length});
        if (r < 0) return r;
        int out;
        memcpy(&out, fake_user_memory::host(value, 4), 4);
        return out;
    }
    // Runs the network (and time) until everything queued has been delivered.
    void settle() {
        for (int i = 0; i < 8; ++i) run_event_sources();
    }
    // A connected pair: client on "here", server end accepted on the peer.
    void connect_pair(int& client, int& server, uint16_t port = 8080) {
        int listener = socket(kSockStream, true);
        ASSERT_EQ(bind(listener, Ipv4Address::any(), port), 0);
        ASSERT_EQ(listen(listener), 0);
        client = socket(kSockStream);
        ASSERT_EQ(connect(client, kPeerIp, port), 0);
        server = static_cast<int>(accept(listener));
        ASSERT_GE(server, 0);
        listener_fd = listener;
    }
    bool sigpipe_pending() const { return current_thread().signals.pending & signal_bit(kSigPipe); }

    std::unique_ptr<TwoStacks> stacks;
    std::unique_ptr<TestNetworkSource> source;
    int listener_fd = -1;
};

}  // namespace ingot::socket_test
