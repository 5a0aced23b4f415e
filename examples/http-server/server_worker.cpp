#include "server_worker.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

namespace {

constexpr int kMaxEvents = 64;
// A keep-alive connection with no request in progress is closed after this long, and one
// waiting for the client's close after a final response sooner.
constexpr uint64_t kIdleTimeoutNs = 60'000'000'000;
constexpr uint64_t kLingerTimeoutNs = 5'000'000'000;
constexpr int kSweepIntervalMs = 1000;

uint64_t monotonic_ns() {
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(now.tv_nsec);
}

uint32_t events_for(Connection::Wait wait) {
    return wait == Connection::Wait::Writable ? EPOLLOUT : EPOLLIN;
}

}  // namespace

bool ServerWorker::watch(int fd) {
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0) return true;
    fprintf(stderr, "http-server: epoll_ctl: %s\n", strerror(errno));
    return false;
}

// Adds or removes the listener from the interest list: while descriptors run out, a
// level-triggered listener would otherwise report the same pending connection forever.
void ServerWorker::set_listening(bool listening) {
    if (listening == accepting_) return;
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = listener_;
    int op = listening ? EPOLL_CTL_ADD : EPOLL_CTL_DEL;
    if (epoll_ctl(epoll_.get(), op, listener_, &event) != 0) {
        fprintf(stderr, "http-server: epoll_ctl(listener): %s\n", strerror(errno));
        return;
    }
    accepting_ = listening;
}

void ServerWorker::accept_clients(uint64_t now_ns) {
    for (;;) {
        int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                fprintf(stderr, "http-server: accept: %s (pausing until a connection closes)\n", strerror(errno));
                set_listening(false);
            }
            return;  // EAGAIN: no more pending connections, or another worker took them
        }
        UniqueFd socket(fd);
        int one = 1;
        // Responses leave in few writes; Nagle would only delay the last partial segment.
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        epoll_event event {};
        event.events = EPOLLIN;
        event.data.fd = fd;
        if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
            fprintf(stderr, "http-server: epoll_ctl(client): %s\n", strerror(errno));
            continue;  // `socket` closes the connection
        }
        Client client;
        client.connection = std::make_unique<Connection>(std::move(socket), site_, budget_);
        client.events = EPOLLIN;
        client.last_active_ns = now_ns;
        clients_[fd] = std::move(client);
    }
}

void ServerWorker::close_client(int fd) {
    auto found = clients_.find(fd);
    if (found == clients_.end()) return;
    // Closing the descriptor removes it from the epoll set as well.
    clients_.erase(found);
    set_listening(true);
}

void ServerWorker::serve(int fd, uint64_t now_ns) {
    auto found = clients_.find(fd);
    if (found == clients_.end()) return;
    Client& client = found->second;
    client.last_active_ns = now_ns;
    Connection::Wait wait = client.connection->on_ready();
    if (wait == Connection::Wait::Closed) {
        close_client(fd);
        return;
    }
    uint32_t events = events_for(wait);
    if (events == client.events) return;
    epoll_event event {};
    event.events = events;
    event.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
        close_client(fd);
        return;
    }
    client.events = events;
}

void ServerWorker::close_idle_clients(uint64_t now_ns) {
    for (auto it = clients_.begin(); it != clients_.end();) {
        const Client& client = it->second;
        uint64_t limit = client.connection->lingering() ? kLingerTimeoutNs : kIdleTimeoutNs;
        // Only connections waiting for input idle out; a slow reader of a response is still
        // bounded by TCP's own retransmission limits.
        if (client.events == EPOLLIN && now_ns > client.last_active_ns + limit) {
            it = clients_.erase(it);
            set_listening(true);
        } else {
            ++it;
        }
    }
}

bool ServerWorker::run() {
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_.valid()) {
        fprintf(stderr, "http-server: epoll_create1: %s\n", strerror(errno));
        return false;
    }
    if (!watch(stop_)) return false;
    set_listening(true);
    if (!accepting_) return false;
    epoll_event events[kMaxEvents];
    uint64_t last_sweep_ns = monotonic_ns();
    while (!budget_.exhausted()) {
        int timeout_ms = clients_.empty() ? -1 : kSweepIntervalMs;
        int count = epoll_wait(epoll_.get(), events, kMaxEvents, timeout_ms);
        if (count < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "http-server: epoll_wait: %s\n", strerror(errno));
            return false;
        }
        uint64_t now_ns = monotonic_ns();
        for (int i = 0; i < count && !budget_.exhausted(); ++i) {
            if (events[i].data.fd == stop_) return true;
            if (events[i].data.fd == listener_)
                accept_clients(now_ns);
            else
                serve(events[i].data.fd, now_ns);
        }
        if (now_ns - last_sweep_ns >= uint64_t(kSweepIntervalMs) * 1'000'000) {
            close_idle_clients(now_ns);
            last_sweep_ns = now_ns;
        }
    }
    // This worker spent the budget: the others, perhaps blocked in epoll_wait, stop too.
    eventfd_write(stop_, 1);
    return true;
}
