// raise_listen_backlog(): the listen backlog of QEMU's forwarded host ports. A child process
// stands in for QEMU: it listens on a loopback port with backlog 1, as libslirp does, and
// never accepts until asked; the test opens a burst of connections to it, as wrk does.
#include <ingot/listen_backlog.h>
#include <ingot/qemu_process.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace ingot::tool {
namespace {

constexpr int kBurst = 8;

TEST(IngotListenBacklog, FindsListeningSocketsByPortInProcNetTables) {
    // Lines as /proc/net/tcp and /proc/net/tcp6 print them (trailing fields shortened).
    const char* table =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1\n"
        "   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 4243 1\n"
        "   2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4244 1\n"
        "  sl  local_address                         remote_address                        st tx_queue rx_queue "
        "tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 4245 1\n"
        "   garbage line\n";
    EXPECT_EQ(listening_socket_inodes(table, 8080), (std::vector<uint64_t>{4242, 4245}));
    EXPECT_EQ(listening_socket_inodes(table, 8081), (std::vector<uint64_t>{4244}));
    EXPECT_TRUE(listening_socket_inodes(table, 80).empty());
    EXPECT_TRUE(listening_socket_inodes("", 8080).empty());
}

// A child that listens on 127.0.0.1 with backlog 1 and, once told to, accepts what its queue
// holds without waiting and reports how many.
class SlowListener {
public:
    SlowListener() {
        int to_child[2], from_child[2];
        EXPECT_EQ(::pipe(to_child), 0);
        EXPECT_EQ(::pipe(from_child), 0);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(to_child[1]);
            ::close(from_child[0]);
            child(to_child[0], from_child[1]);
        }
        ::close(to_child[0]);
        ::close(from_child[1]);
        command_ = to_child[1];
        reply_ = from_child[0];
        EXPECT_EQ(::read(reply_, &port_, sizeof port_), static_cast<ssize_t>(sizeof port_));
    }
    ~SlowListener() {
        ::close(command_);
        ::close(reply_);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    pid_t pid() const { return pid_; }
    uint16_t port() const { return port_; }
    int accept_waiting() {
        char go = 1;
        EXPECT_EQ(::write(command_, &go, 1), 1);
        int count = -1;
        EXPECT_EQ(::read(reply_, &count, sizeof count), static_cast<ssize_t>(sizeof count));
        return count;
    }

private:
    [[noreturn]] static void child(int command, int reply) {
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener, 1) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ::_exit(1);
        }
        uint16_t port = ntohs(address.sin_port);
        if (::write(reply, &port, sizeof port) != sizeof port) ::_exit(1);
        char go;
        if (::read(command, &go, 1) != 1) ::_exit(1);
        ::fcntl(listener, F_SETFL, O_NONBLOCK);
        int count = 0;
        while (::accept(listener, nullptr, nullptr) >= 0) ++count;
        if (::write(reply, &count, sizeof count) != sizeof count) ::_exit(1);
        ::pause();
        ::_exit(0);
    }

    pid_t pid_ = -1;
    int command_ = -1, reply_ = -1;
    uint16_t port_ = 0;
};

// Opens kBurst connections at once and gives their handshakes time to finish on loopback
// (well under the 1 s after which Linux retries a dropped SYN).
std::vector<int> connect_burst(uint16_t port) {
    std::vector<int> clients;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    for (int i = 0; i < kBurst; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        clients.push_back(fd);
    }
    ::poll(nullptr, 0, 200);
    return clients;
}

void close_all(const std::vector<int>& fds) {
    for (int fd : fds) ::close(fd);
}

TEST(IngotListenBacklog, BacklogOneHoldsOnlyTwoConnectionsOfABurst) {
    // The failure itself: what a burst meets at QEMU's forwarded port as QEMU sets it up.
    SlowListener listener;
    std::vector<int> clients = connect_burst(listener.port());
    EXPECT_LE(listener.accept_waiting(), 2);
    close_all(clients);
}

TEST(IngotListenBacklog, RaisedBacklogHoldsTheWholeBurst) {
    SlowListener listener;
    const uint16_t ports[] = {listener.port(), 1};  // port 1: nobody listens there
    BacklogChange change = raise_listen_backlog(listener.pid(), ports, SOMAXCONN);
    if (change.error.find("Operation not permitted") != std::string::npos) {
        GTEST_SKIP() << "no ptrace access to a child here: " << change.error;
    }
    ASSERT_EQ(change.error, "");
    EXPECT_EQ(change.raised, (std::vector<uint16_t>{listener.port()}));
    EXPECT_EQ(change.missing, (std::vector<uint16_t>{1}));
    std::vector<int> clients = connect_burst(listener.port());
    EXPECT_EQ(listener.accept_waiting(), kBurst);
    close_all(clients);
}

TEST(IngotListenBacklog, NoListenerLeavesEverythingMissing) {
    const uint16_t ports[] = {1};
    BacklogChange change = raise_listen_backlog(::getpid(), ports, SOMAXCONN);
    EXPECT_EQ(change.error, "");
    EXPECT_TRUE(change.raised.empty());
    EXPECT_EQ(change.missing, (std::vector<uint16_t>{1}));
}

TEST(IngotListenBacklog, RunQemuRepeatsTheStartupStepUntilItIsDone) {
    // run_qemu gives ingot run the moment to raise the backlog: QEMU opens its sockets while
    // it starts, so the step is retried until it reports that it is done.
    int calls = 0;
    pid_t seen = 0;
    GuestOutcome outcome = run_qemu({"/bin/sh", "-c", "sleep 0.5; printf 'status 7\\n' >&5"}, 10.0, QemuOutput::RelayGuest,
                                    [&](pid_t qemu) {
                                        seen = qemu;
                                        return ++calls == 3;
                                    });
    EXPECT_EQ(outcome.end, GuestOutcome::End::Reported);
    EXPECT_EQ(outcome.status, 7);
    EXPECT_EQ(calls, 3);
    EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace ingot::tool
