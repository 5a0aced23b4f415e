// http-server: a static-file HTTP/1.1 server, an ordinary static Linux program that runs the
// same natively and as an Ingot image.
//   http-server [--port N] [--root DIR] [--max-requests N] [--threads N]
#include "http_server.h"
#include "server_options.h"

#include <csignal>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    std::string error;
    std::optional<ServerOptions> options = ServerOptions::parse(argc, argv, error);
    if (!options) {
        fprintf(stderr, "http-server: %s (usage: http-server [--port N] [--root DIR] [--max-requests N] [--threads N])\n",
                error.c_str());
        return 2;
    }
    // A client that resets its connection must cost a failed write (EPIPE), not the process.
    signal(SIGPIPE, SIG_IGN);
    HttpServer server(*options);
    return server.run();
}
