// HttpServer: the listening socket, shared by one ServerWorker thread per CPU the process may
// run on (or --threads of them), and the stop signal that ends them all once the request
// budget is spent.
#pragma once

#include "request_budget.h"
#include "server_options.h"
#include "static_site.h"
#include "unique_fd.h"

class HttpServer {
public:
    explicit HttpServer(const ServerOptions& options);

    // Listens on the configured port and serves until the response limit is reached (0) or
    // listening fails (1, with a line on stderr saying why).
    int run();

private:
    bool start_listening();

    ServerOptions options_;
    StaticSite site_;
    RequestBudget budget_;
    UniqueFd listener_;
    UniqueFd stop_;  // an eventfd, written once the budget is spent
};
