// A SOCK_STREAM socket over the machine's TcpStack (tcp(7)): bind records the local endpoint
// (and reserves its port among the TCP sockets), listen and connect open it in the stack.
#pragma once

#include <net/network_stack.h>
#include <net/socket/socket_file.h>

#include <optional>

namespace ingot::net {

class TcpSocketFile final : public SocketFile {
public:
    // A fresh socket on stack (null: the machine has no network).
    TcpSocketFile(NetworkStack* stack, uint32_t open_flags);
    // An accepted connection.
    TcpSocketFile(NetworkStack* stack, TcpHandle connection, const SocketSettings& settings, uint32_t open_flags);
    ~TcpSocketFile() override;

    Result<void> bind(Ipv4Endpoint local) override;
    Result<void> listen(uint32_t backlog) override;
    Result<OpenFileRef> accept(uint32_t open_flags, Ipv4Endpoint& peer) override;
    Result<void> connect(Ipv4Endpoint remote) override;
    Result<void> disconnect() override;
    Result<size_t> send(IoBuffer& src, std::optional<Ipv4Endpoint> destination, uint32_t flags) override;
    Result<SocketReceived> receive(IoBuffer& dst, uint32_t flags) override;
    Result<void> shutdown(int how) override;
    Ipv4Endpoint local_name() const override;
    Result<Ipv4Endpoint> peer_name() const override;
    int take_error() override;
    bool is_listening() const override { return phase_ == Phase::Listening; }
    void apply_settings() override;
    uint32_t max_segment() const override;

    uint32_t poll_events() const override;
    uint64_t event_generation() const override;
    Result<int> bytes_readable() const override;

private:
    enum class Phase { Fresh, Listening, Connecting, Connected };

    // Whether the handshake has ended (either way) for a connecting socket.
    bool connect_settled() const;
    // Ends a connect whose handshake settled: Connected, or the error with the socket fresh again.
    Result<void> finish_connect();
    Result<uint16_t> pick_ephemeral_port() const;
    bool conflicts(Ipv4Endpoint local) const;
    void close_handle();

    NetworkStack* stack_;
    Phase phase_ = Phase::Fresh;
    std::optional<Ipv4Endpoint> bound_;
    bool bound_by_user_ = false;  // bind(2) was called: a failed connect keeps the port
    std::optional<TcpHandle> handle_;
    uint64_t own_events_ = 0;
    TcpSocketFile* next_ = nullptr;  // every TCP socket, for bind conflicts
    TcpSocketFile* previous_ = nullptr;
};

}  // namespace ingot::net
