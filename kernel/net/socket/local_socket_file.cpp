#include <net/socket/local_socket_file.h>

#include <utility>

namespace ingot::net {


void LocalSocketFile::create_pair(uint32_t open_flags, OpenFileRef& first, OpenFileRef& second) {
    RefPtr<Channel> channel = make_ref<Channel>();
    channel->pipes[0] = make_ref<Pipe>();
    channel->pipes[1] = make_ref<Pipe>();
    first = OpenFileRef(new LocalSocketFile(channel, 0, open_flags));
    second = OpenFileRef(new LocalSocketFile(channel, 1, open_flags));
}

LocalSocketFile* LocalSocketFile::from(SocketFile& socket) {
    return socket.family() == kAfLocal ? static_cast<LocalSocketFile*>(&socket) : nullptr;
}

LocalSocketFile::LocalSocketFile(RefPtr<Channel> channel, int side, uint32_t open_flags)
    : SocketFile(kSockStream, open_flags), channel_(std::move(channel)), side_(side) {
    incoming().add_reader();
    outgoing().add_writer();
}

LocalSocketFile::~LocalSocketFile() {
    if (reading_) incoming().drop_reader();
    if (writing_) outgoing().drop_writer();
}

Result<size_t> LocalSocketFile::send(IoBuffer& src, std::optional<Ipv4Endpoint>, uint32_t flags) {
    if (flags & ~(kMsgDontWait | kMsgNoSignal)) return Errno::EOPNOTSUPP;
    if (!writing_) return Errno::EPIPE;
    return write_pipe(outgoing(), src, must_not_wait(flags));
}

Result<SocketReceived> LocalSocketFile::receive(IoBuffer& dst, uint32_t flags) {
    if (flags & ~(kMsgDontWait | kMsgWaitAll)) return Errno::EOPNOTSUPP;  // MSG_PEEK, MSG_OOB...
    SocketReceived received;
    if (!reading_) return received;  // after SHUT_RD: end of file
    received.copied = received.length = TRY(read_pipe(incoming(), dst, must_not_wait(flags)));
    return received;
}

Result<void> LocalSocketFile::shutdown(int how) {
    constexpr int kShutRead = 0, kShutWrite = 1;
    if (how != kShutWrite && reading_) {
        incoming().drop_reader();
        reading_ = false;
    }
    if (how != kShutRead && writing_) {
        outgoing().drop_writer();
        writing_ = false;
    }
    return {};
}

uint32_t LocalSocketFile::poll_events() const {
    uint32_t events = 0;
    Pipe& in = incoming();
    Pipe& out = outgoing();
    if (!reading_ || in.bytes_buffered() > 0 || in.writers() == 0) events |= kPollIn;
    if (in.writers() == 0) events |= kPollReadHangUp;
    if (!writing_ || out.readers() == 0) events |= kPollHangUp;
    else if (out.bytes_buffered() < out.capacity()) events |= kPollOut;
    if (!reading_ && !writing_) events |= kPollHangUp;
    return events;
}

void LocalSocketFile::attach_files(std::vector<OpenFileRef> files) {
    std::vector<OpenFileRef>& queue = channel_->files[1 - side_];
    for (OpenFileRef& file : files) queue.push_back(std::move(file));
}

std::vector<OpenFileRef> LocalSocketFile::take_received_files() { return std::exchange(channel_->files[side_], {}); }

}  // namespace ingot::net
