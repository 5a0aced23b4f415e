#include "request_parser.h"

#include <charconv>
#include <cstdint>
#include <optional>

namespace {

using Status = RequestParser::Status;

// tchar (RFC 9110 §5.6.2): the characters of a token such as a method or a field name.
bool is_token_char(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    for (char allowed : std::string_view("!#$%&'*+-.^_`|~"))
        if (c == static_cast<unsigned char>(allowed)) return true;
    return false;
}

bool is_token(std::string_view text) {
    if (text.empty()) return false;
    for (unsigned char c : text)
        if (!is_token_char(c)) return false;
    return true;
}

// field-value characters (RFC 9110 §5.5): VCHAR, obs-text, SP and HTAB; no other controls.
bool is_field_value(std::string_view text) {
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
    return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
        if (x != y) return false;
    }
    return true;
}

std::string_view trim_whitespace(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Splits `text` at the first line feed; the line loses its CR. A CR anywhere else in the line
// makes it invalid (RFC 9112 §2.2: a bare CR must not be taken as a line end).
struct Line {
    std::string_view text;
    bool valid;
};
std::optional<Line> next_line(std::string_view input, size_t& position) {
    size_t feed = input.find('\n', position);
    if (feed == std::string_view::npos) return std::nullopt;
    std::string_view text = input.substr(position, feed - position);
    position = feed + 1;
    if (text.ends_with('\r')) text.remove_suffix(1);
    return Line{text, text.find('\r') == std::string_view::npos};
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
Status parse_request_line(std::string_view line, HttpRequest& request) {
    size_t first = line.find(' ');
    size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) return Status::Malformed;
    std::string_view method = line.substr(0, first);
    std::string_view target = line.substr(first + 1, second - first - 1);
    std::string_view version = line.substr(second + 1);
    if (!is_token(method) || target.empty()) return Status::Malformed;
    for (unsigned char c : target)
        if (c <= 0x20 || c >= 0x7F) return Status::Malformed;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3).
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (version.size() != 8 || !version.starts_with("HTTP/") || !digit(version[5]) || version[6] != '.' ||
        !digit(version[7]))
        return Status::Malformed;
    if (version[5] != '1') return Status::UnsupportedVersion;
    request.minor_version = version[7] - '0';
    request.method = method;
    request.target = target;
    // absolute-form ("http://host/path", RFC 9112 §3.2.2) must be accepted; serve its path.
    if (!target.starts_with('/') && target != "*") {
        size_t scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos || !is_token(target.substr(0, scheme_end))) return Status::Malformed;
        size_t path = target.find_first_of("/?", scheme_end + 3);
        request.target = path == std::string_view::npos ? "/" : std::string(target.substr(path));
        if (request.target.starts_with('?')) request.target.insert(0, "/");
    }
    return Status::Complete;
}

// The connection options (RFC 9110 §7.6.1): a comma-separated list of case-insensitive tokens.
void parse_connection_options(std::string_view value, bool& close, bool& keep_alive) {
    while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view option = trim_whitespace(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        if (equals_ignoring_case(option, "close")) close = true;
        if (equals_ignoring_case(option, "keep-alive")) keep_alive = true;
    }
}

}  // namespace

RequestParser::Outcome RequestParser::parse(std::string_view input) {
    Outcome outcome;
    size_t position = 0;
    // RFC 9112 §2.2: a server should ignore empty lines received before the request line.
    while (position < input.size() && (input[position] == '\n' || input[position] == '\r')) {
        if (input[position] == '\r' && position + 1 < input.size() && input[position + 1] != '\n') {
            outcome.status = Status::Malformed;
            return outcome;
        }
        ++position;
    }
    // Find the empty line that ends the head before parsing anything.
    size_t end = position;
    for (;;) {
        std::optional<Line> line = next_line(input, end);
        if (!line) {
            outcome.status = input.size() > kMaxHeadBytes ? Status::Malformed : Status::Incomplete;
            return outcome;
        }
        if (end > kMaxHeadBytes) {
            outcome.status = Status::Malformed;
            return outcome;
        }
        // The skipping above consumed every line break, so the first line is never empty.
        if (line->text.empty()) break;
    }
    outcome.consumed = end;

    // The head's end was found above, so every line up to it is there to take.
    HttpRequest& request = outcome.request;
    std::optional<Line> request_line = next_line(input, position);
    if (!request_line->valid) {
        outcome.status = Status::Malformed;
        return outcome;
    }
    outcome.status = parse_request_line(request_line->text, request);
    if (outcome.status != Status::Complete) return outcome;

    int hosts = 0;
    bool close = false, keep_alive = false;
    std::optional<uint64_t> content_length;
    for (;;) {
        std::optional<Line> line = next_line(input, position);
        if (line->text.empty()) break;
        std::string_view text = line->text;
        // obs-fold (a field line starting with whitespace) must be rejected (RFC 9112 §5.2), as
        // must whitespace between the field name and the colon (§5.1).
        size_t colon = text.find(':');
        if (!line->valid || colon == std::string_view::npos || !is_token(text.substr(0, colon))) {
            outcome.status = Status::Malformed;
            return outcome;
        }
        std::string_view name = text.substr(0, colon);
        std::string_view value = trim_whitespace(text.substr(colon + 1));
        if (!is_field_value(value)) {
            outcome.status = Status::Malformed;
            return outcome;
        }
        if (equals_ignoring_case(name, "Host")) {
            ++hosts;
        } else if (equals_ignoring_case(name, "Connection")) {
            parse_connection_options(value, close, keep_alive);
        } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
            request.has_body = true;
        } else if (equals_ignoring_case(name, "Content-Length")) {
            // RFC 9112 §6.3: an invalid or conflicting length is unrecoverable.
            uint64_t length = 0;
            auto [last, error] = std::from_chars(value.data(), value.data() + value.size(), length);
            if (value.empty() || error != std::errc() || last != value.data() + value.size() ||
                (content_length && *content_length != length)) {
                outcome.status = Status::Malformed;
                return outcome;
            }
            content_length = length;
            if (length > 0) request.has_body = true;
        }
    }
    // RFC 9112 §3.2: an HTTP/1.1 request without exactly one Host field gets a 400.
    if (hosts > 1 || (hosts == 0 && request.minor_version >= 1)) {
        outcome.status = Status::Malformed;
        return outcome;
    }
    // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    request.keep_alive = !close && (request.minor_version >= 1 || keep_alive);
    outcome.status = Status::Complete;
    return outcome;
}
