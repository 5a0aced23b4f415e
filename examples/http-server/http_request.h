// HttpRequest: what the server needs from one parsed request head.
#pragma once

#include <string>

struct HttpRequest {
    std::string method;  // case-sensitive token (RFC 9110 §9.1)
    std::string target;  // origin-form path and query, e.g. "/docs/a.html?x=1"
    int minor_version = 1;  // HTTP/1.minor; higher minors are answered as 1.1 (RFC 9110 §2.5)
    bool keep_alive = true;  // after this response, may the connection carry another request?
    // The request announced a body (Content-Length > 0 or Transfer-Encoding). This server reads
    // no bodies, so it answers and closes rather than misreading the body as the next request.
    bool has_body = false;
};
