// A connected pair of local stream sockets (socketpair(2) with AF_UNIX and SOCK_STREAM): two
// pipes, one each way, so each end reads what the other wrote; closing or shutting down an
// end is seen by the other as end of file or EPIPE, as on Linux. Descriptors travel with the
// bytes (SCM_RIGHTS): a receive that returns data also hands over the descriptors sent before
// it. Named local sockets (bind/connect to a path) are not supported.
#pragma once

#include <fs/pipe.h>
#include <net/socket/socket_file.h>

#include <vector>

namespace ingot::net {

inline constexpr uint16_t kAfLocal = 1;  // AF_UNIX

class LocalSocketFile final : public SocketFile {
public:
    // Makes a connected pair; open_flags (O_NONBLOCK) apply to both ends.
    static void create_pair(uint32_t open_flags, OpenFileRef& first, OpenFileRef& second);
    // The local socket behind a socket file, or null.
    static LocalSocketFile* from(SocketFile& socket);

    ~LocalSocketFile() override;

    int family() const override { return kAfLocal; }
    Result<void> bind(Ipv4Endpoint) override { return Errno::EINVAL; }
    Result<void> listen(uint32_t) override { return Errno::EINVAL; }
    Result<OpenFileRef> accept(uint32_t, Ipv4Endpoint&) override { return Errno::EINVAL; }
    Result<void> connect(Ipv4Endpoint) override { return Errno::EISCONN; }
    Result<void> disconnect() override { return Errno::EISCONN; }
    Result<size_t> send(IoBuffer& src, std::optional<Ipv4Endpoint> destination, uint32_t flags) override;
    Result<SocketReceived> receive(IoBuffer& dst, uint32_t flags) override;
    Result<void> shutdown(int how) override;
    Ipv4Endpoint local_name() const override { return {}; }
    Result<Ipv4Endpoint> peer_name() const override { return Ipv4Endpoint{}; }
    int take_error() override { return 0; }
    void apply_settings() override {}
    uint32_t poll_events() const override;
    // Changes with every read, write and close of either direction (edge-triggered epoll).
    uint64_t event_generation() const override { return incoming().generation() + outgoing().generation(); }

    // SCM_RIGHTS: files that go to the peer with the next bytes this end sends.
    void attach_files(std::vector<OpenFileRef> files);
    // The files that arrived with the bytes received so far (and forgets them).
    std::vector<OpenFileRef> take_received_files();

private:
    // What both ends share: the pipe each way and the files in flight each way.
    struct Channel : RefCounted {
        RefPtr<Pipe> pipes[2];
        std::vector<OpenFileRef> files[2];  // files[i]: sent towards end i
    };

    LocalSocketFile(RefPtr<Channel> channel, int side, uint32_t open_flags);
    Pipe& incoming() const { return *channel_->pipes[side_]; }
    Pipe& outgoing() const { return *channel_->pipes[1 - side_]; }

    RefPtr<Channel> channel_;
    int side_;
    bool reading_ = true, writing_ = true;  // until shutdown(2) or close
};

}  // namespace ingot::net
