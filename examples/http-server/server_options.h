// ServerOptions: the command line
// `http-server [--port N] [--root DIR] [--max-requests N] [--threads N]`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct ServerOptions {
    uint16_t port = 8080;
    std::string root = "/www";
    // Exit 0 once this many responses were written in full; none: serve forever.
    std::optional<uint64_t> max_requests;
    // Worker threads; 0: one per CPU the process may run on.
    unsigned threads = 0;

    // Parses argv; on bad arguments returns nullopt and stores a one-line reason in `error`.
    static std::optional<ServerOptions> parse(int argc, char** argv, std::string& error);
};
