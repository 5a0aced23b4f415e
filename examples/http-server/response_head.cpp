#include "response_head.h"

#include "http_date.h"

std::string_view ResponseHead::reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

std::string ResponseHead::build(int status, std::string_view content_type, uint64_t content_length, bool keep_alive,
                                bool http10_client) {
    std::string head;
    head.reserve(256);
    // A server sends its own version, HTTP/1.1, whatever the request's (RFC 9110 §2.5).
    head += "HTTP/1.1 ";
    head += std::to_string(status);
    head += ' ';
    head += reason(status);
    head += "\r\nServer: ingot-http\r\nDate: ";
    head += HttpDate::now();
    head += "\r\nContent-Type: ";
    head += content_type;
    head += "\r\nContent-Length: ";
    head += std::to_string(content_length);
    head += "\r\n";
    if (status == 405) head += "Allow: GET, HEAD\r\n";  // RFC 9110 §15.5.6: a 405 must list them
    if (!keep_alive)
        head += "Connection: close\r\n";
    else if (http10_client)
        head += "Connection: keep-alive\r\n";
    head += "\r\n";
    return head;
}
