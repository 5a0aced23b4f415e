// ResponseHead: the status line and header fields of a response (RFC 9112 §4, RFC 9110 §15).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

class ResponseHead {
public:
    // The head of a response with `status`, a body of `content_length` bytes of `content_type`
    // (sent or, for HEAD, only announced), and a Connection field saying whether the
    // connection stays open. `http10_client` makes a kept-alive connection explicit, as
    // HTTP/1.0 closes by default. 405 responses list the allowed methods.
    static std::string build(int status, std::string_view content_type, uint64_t content_length, bool keep_alive,
                             bool http10_client);

    // The reason phrase for the statuses this server sends.
    static std::string_view reason(int status);
};
