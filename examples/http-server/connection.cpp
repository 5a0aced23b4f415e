#include "connection.h"

#include "response_head.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr size_t kReadBytes = 16 * 1024;
// After a final response, unread input is read and dropped up to this much while waiting for
// the client's FIN: closing with unread data would send a RST (RFC 9293 §3.6.1), which can
// destroy the response in the client's receive queue before the client reads it.
constexpr size_t kMaxDrainBytes = 1024 * 1024;

std::string error_page(int status) {
    std::string title = std::to_string(status) + " " + std::string(ResponseHead::reason(status));
    return "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head><body><h1>" + title +
           "</h1></body></html>\n";
}

}  // namespace

Connection::Connection(UniqueFd socket, const StaticSite& site, RequestBudget& budget)
    : socket_(std::move(socket)), site_(site), budget_(budget) {}

Connection::ReadResult Connection::read_more() {
    char chunk[kReadBytes];
    for (;;) {
        ssize_t got = ::read(socket_.get(), chunk, sizeof chunk);
        if (got > 0) {
            input_.append(chunk, static_cast<size_t>(got));
            return ReadResult::Data;
        }
        if (got == 0) return ReadResult::EndOfStream;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::WouldBlock;
        return ReadResult::Failed;
    }
}

Connection::Wait Connection::drain_until_closed() {
    for (;;) {
        input_.clear();
        switch (read_more()) {
        case ReadResult::Data:
            drained_bytes_ += input_.size();
            if (drained_bytes_ > kMaxDrainBytes) return Wait::Closed;
            continue;
        case ReadResult::WouldBlock: return Wait::Readable;
        case ReadResult::EndOfStream:
        case ReadResult::Failed: return Wait::Closed;
        }
    }
}

void Connection::answer_error(int status, bool head_only, bool keep_alive, bool http10_client) {
    std::string body = error_page(status);
    std::string head = ResponseHead::build(status, "text/html; charset=utf-8", body.size(), keep_alive, http10_client);
    response_.start(head, head_only ? std::string_view() : std::string_view(body));
    close_after_response_ = !keep_alive;
}

void Connection::answer(const HttpRequest& request) {
    bool head_only = request.method == "HEAD";
    bool http10_client = request.minor_version == 0;
    // Without reading a body, its bytes would be taken for the next request: close after.
    bool keep_alive = request.keep_alive && !request.has_body;
    if (request.method != "GET" && !head_only) {
        answer_error(405, false, keep_alive, http10_client);
        return;
    }
    StaticSite::Lookup lookup = site_.open(request.target);
    if (lookup.status != 200) {
        answer_error(lookup.status, head_only, keep_alive, http10_client);
        return;
    }
    std::string head = ResponseHead::build(200, lookup.content_type, lookup.size, keep_alive, http10_client);
    if (head_only)
        response_.start(head, std::string_view());
    else
        response_.start(head, std::move(lookup.file), lookup.size);
    close_after_response_ = !keep_alive;
}

Connection::Wait Connection::on_ready() {
    if (lingering_) return drain_until_closed();
    for (;;) {
        if (budget_.exhausted()) return Wait::Closed;
        if (response_.active()) {
            switch (response_.write_to(socket_.get())) {
            case ResponseStream::Progress::Failed: return Wait::Closed;
            case ResponseStream::Progress::WouldBlock: return Wait::Writable;
            case ResponseStream::Progress::Done: break;
            }
            budget_.count_response();
            if (budget_.exhausted()) return Wait::Closed;
            if (close_after_response_) {
                if (peer_closed_) return Wait::Closed;
                // Send our FIN now, but let the client close first (see kMaxDrainBytes).
                ::shutdown(socket_.get(), SHUT_WR);
                lingering_ = true;
                return drain_until_closed();
            }
            continue;
        }
        RequestParser::Outcome outcome = RequestParser::parse(input_);
        switch (outcome.status) {
        case RequestParser::Status::Complete:
            input_.erase(0, outcome.consumed);
            answer(outcome.request);
            continue;
        case RequestParser::Status::Malformed:
            answer_error(400, false, false, false);
            continue;
        case RequestParser::Status::UnsupportedVersion:
            answer_error(505, false, false, false);
            continue;
        case RequestParser::Status::Incomplete: break;
        }
        if (peer_closed_) return Wait::Closed;
        switch (read_more()) {
        case ReadResult::Data: continue;
        case ReadResult::EndOfStream: peer_closed_ = true; continue;
        case ReadResult::WouldBlock: return Wait::Readable;
        case ReadResult::Failed: return Wait::Closed;
        }
    }
}
