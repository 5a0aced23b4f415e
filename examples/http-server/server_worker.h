// ServerWorker: one thread's epoll(7) loop over the connections it accepted. Every worker
// watches the shared listening socket (the first to accept a connection serves it) and the
// shared stop descriptor, which becomes readable once the request budget is spent.
#pragma once

#include "connection.h"
#include "request_budget.h"
#include "static_site.h"
#include "unique_fd.h"

#include <cstdint>
#include <memory>
#include <unordered_map>

class ServerWorker {
public:
    ServerWorker(int listener, int stop, const StaticSite& site, RequestBudget& budget)
        : listener_(listener), stop_(stop), site_(site), budget_(budget) {}

    // Serves until the budget is spent or the stop descriptor is readable (true), or until
    // epoll fails (false, with a line on stderr saying why).
    bool run();

private:
    struct Client {
        std::unique_ptr<Connection> connection;
        uint32_t events = 0;         // the interest registered with epoll
        uint64_t last_active_ns = 0;
    };

    bool watch(int fd);
    void accept_clients(uint64_t now_ns);
    void serve(int fd, uint64_t now_ns);
    void close_client(int fd);
    void close_idle_clients(uint64_t now_ns);
    void set_listening(bool listening);

    const int listener_;
    const int stop_;
    const StaticSite& site_;
    RequestBudget& budget_;
    UniqueFd epoll_;
    bool accepting_ = false;  // the listener is registered with epoll
    std::unordered_map<int, Client> clients_;
};
