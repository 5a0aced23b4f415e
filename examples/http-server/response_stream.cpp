#include "response_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

void ResponseStream::start(const std::string& head, std::string_view body) {
    buffer_.assign(head.begin(), head.end());
    buffer_.insert(buffer_.end(), body.begin(), body.end());
    begin_ = 0;
    end_ = buffer_.size();
    file_.reset();
    file_remaining_ = 0;
    active_ = true;
}

void ResponseStream::start(const std::string& head, UniqueFd file, uint64_t body_length) {
    buffer_.resize(std::max(kChunkBytes, head.size()));
    memcpy(buffer_.data(), head.data(), head.size());
    begin_ = 0;
    end_ = head.size();
    file_ = std::move(file);
    file_remaining_ = body_length;
    active_ = true;
}

// Reads the next chunk of the body into the (drained) buffer, after whatever it still holds:
// a small file then leaves in the same write as the head. False if the file failed or ended
// early (it shrank after its length was announced): the response can no longer be completed.
bool ResponseStream::refill() {
    if (begin_ == end_) begin_ = end_ = 0;
    buffer_.resize(std::max(buffer_.size(), kChunkBytes));
    size_t room = buffer_.size() - end_;
    if (room == 0) return true;
    size_t wanted = static_cast<size_t>(std::min<uint64_t>(room, file_remaining_));
    for (;;) {
        ssize_t got = ::read(file_.get(), buffer_.data() + end_, wanted);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        end_ += static_cast<size_t>(got);
        file_remaining_ -= static_cast<uint64_t>(got);
        return true;
    }
}

ResponseStream::Progress ResponseStream::write_to(int socket) {
    if (!active_) return Progress::Done;
    size_t sent_this_turn = 0;
    for (;;) {
        if (file_remaining_ > 0 && (begin_ == end_ || end_ < buffer_.size()) && !refill()) {
            active_ = false;
            file_.reset();
            return Progress::Failed;
        }
        if (begin_ == end_) {
            active_ = false;
            file_.reset();
            return Progress::Done;
        }
        if (sent_this_turn >= kBytesPerTurn) return Progress::WouldBlock;
        ssize_t wrote = ::write(socket, buffer_.data() + begin_, end_ - begin_);
        if (wrote < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::WouldBlock;
            active_ = false;
            file_.reset();
            return Progress::Failed;
        }
        begin_ += static_cast<size_t>(wrote);
        sent_this_turn += static_cast<size_t>(wrote);
    }
}
