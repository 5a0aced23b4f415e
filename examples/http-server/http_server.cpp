#include "http_server.h"
#include "server_worker.h"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace {

constexpr int kBacklog = 511;

// One worker per CPU the process may run on (sched_getaffinity), as nginx's "auto".
unsigned default_threads() {
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0) return 1;
    int count = CPU_COUNT(&cpus);
    return count > 0 ? static_cast<unsigned>(count) : 1;
}

}  // namespace

HttpServer::HttpServer(const ServerOptions& options)
    : options_(options), site_(options.root), budget_(options.max_requests) {}

bool HttpServer::start_listening() {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listener_.valid()) {
        fprintf(stderr, "http-server: socket: %s\n", strerror(errno));
        return false;
    }
    int one = 1;
    // Restarting the server must not wait for the old connections' TIME-WAIT to pass.
    if (setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        fprintf(stderr, "http-server: SO_REUSEADDR: %s (continuing)\n", strerror(errno));
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(options_.port);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        fprintf(stderr, "http-server: bind to port %u: %s\n", options_.port, strerror(errno));
        return false;
    }
    if (listen(listener_.get(), kBacklog) != 0) {
        fprintf(stderr, "http-server: listen: %s\n", strerror(errno));
        return false;
    }
    stop_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_.valid()) {
        fprintf(stderr, "http-server: eventfd: %s\n", strerror(errno));
        return false;
    }
    return true;
}

int HttpServer::run() {
    if (!start_listening()) return 1;
    unsigned threads = options_.threads ? options_.threads : default_threads();
    std::vector<ServerWorker> workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers.emplace_back(listener_.get(), stop_.get(), site_, budget_);
    fprintf(stderr, "http-server: listening on port %u (%u thread%s)\n", options_.port, threads, threads == 1 ? "" : "s");
    // The first worker runs on this thread; a failed one stops the rest.
    std::vector<std::thread> others;
    std::atomic<bool> failed = false;
    for (unsigned i = 1; i < threads; ++i) {
        others.emplace_back([this, &worker = workers[i], &failed] {
            if (!worker.run()) failed = true, eventfd_write(stop_.get(), 1);
        });
    }
    if (!workers[0].run()) failed = true, eventfd_write(stop_.get(), 1);
    for (std::thread& thread : others) thread.join();
    if (failed) return 1;
    fprintf(stderr, "http-server: served %llu responses, exiting\n",
            static_cast<unsigned long long>(budget_.served()));
    return 0;
}
