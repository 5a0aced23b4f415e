// ResponseStream: writes one response (head, then a body from memory or streamed from a file)
// to a non-blocking socket, through a bounded buffer, across as many calls as the socket needs.
#pragma once

#include "unique_fd.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

class ResponseStream {
public:
    // The buffer: file bodies go out in chunks of this size, so a large file costs no more memory.
    static constexpr size_t kChunkBytes = 64 * 1024;
    // The most one write_to() call sends before yielding, so that one fast client downloading
    // a large file cannot starve the others on this worker thread.
    static constexpr size_t kBytesPerTurn = 1024 * 1024;

    // Starts a response of `head` followed by `body` (both copied).
    void start(const std::string& head, std::string_view body);
    // Starts a response of `head` followed by the first `body_length` bytes read from `file`.
    void start(const std::string& head, UniqueFd file, uint64_t body_length);

    enum class Progress {
        Done,        // the socket accepted the whole response
        WouldBlock,  // the socket is full (or this turn's share was sent): call again later
        Failed,      // the socket or the file failed: give up the connection
    };
    // Writes as much of the response as the socket takes now.
    Progress write_to(int socket);

    // True between start() and the write_to() that returned Done or Failed.
    bool active() const { return active_; }

private:
    bool refill();

    std::vector<char> buffer_;
    size_t begin_ = 0, end_ = 0;  // unsent bytes: buffer_[begin_, end_)
    UniqueFd file_;
    uint64_t file_remaining_ = 0;  // body bytes still to read from file_
    bool active_ = false;
};
