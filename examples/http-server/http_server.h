// HttpServer: the listening socket and a single-threaded epoll(7) loop over the connections.
#pragma once

#include "connection.h"
#include "request_budget.h"
#include "server_options.h"
#include "static_site.h"
#include "unique_fd.h"

#include <cstdint>
#include <memory>
#include <unordered_map>

class HttpServer {
public:
    explicit HttpServer(const ServerOptions& options);

    // Listens on the configured port and serves until the response limit is reached (0) or
    // listening fails (1, with a line on stderr saying why).
    int run();

private:
    struct Client {
        std::unique_ptr<Connection> connection;
        uint32_t events = 0;         // the interest registered with epoll
        uint64_t last_active_ns = 0;
    };

    bool start_listening();
    void accept_clients(uint64_t now_ns);
    void serve(int fd, uint64_t now_ns);
    void close_client(int fd);
    void close_idle_clients(uint64_t now_ns);
    void set_listening(bool listening);

    ServerOptions options_;
    StaticSite site_;
    RequestBudget budget_;
    UniqueFd listener_;
    UniqueFd epoll_;
    bool accepting_ = false;  // the listener is registered with epoll
    std::unordered_map<int, Client> clients_;
};
