// RequestParser: parses an HTTP/1.1 request head (RFC 9112 §2-§5) at the start of a buffer.
#pragma once

#include "http_request.h"

#include <cstddef>
#include <string_view>

class RequestParser {
public:
    // The largest request head (request line, fields and the empty line) accepted.
    static constexpr size_t kMaxHeadBytes = 8192;

    enum class Status {
        Incomplete,          // no end of head yet: read more
        Complete,            // `request` and `consumed` are valid
        Malformed,           // answer 400 and close
        UnsupportedVersion,  // answer 505 and close
    };
    struct Outcome {
        Status status = Status::Incomplete;
        HttpRequest request;
        size_t consumed = 0;  // bytes of `input` the head took, leading empty lines included
    };

    // Parses the first request head in `input`; a head that does not end within
    // kMaxHeadBytes is Malformed, however much of it has arrived.
    static Outcome parse(std::string_view input);
};
