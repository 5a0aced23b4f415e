// TCP's send buffer (SO_SNDBUF): the bytes from SND.UNA onward, i.e. sent but unacknowledged
// followed by not yet sent (RFC 9293 §3.3.1, Figure 3). Acknowledgments drop bytes from the
// front; send() appends at the back.
#pragma once

#include <fs/io_buffer.h>
#include <lib/result.h>
#include <net/tcp/byte_ring.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class TcpSendBuffer {
public:
    explicit TcpSendBuffer(size_t capacity) : ring_(capacity) {}

    size_t capacity() const { return ring_.capacity(); }
    // Bytes held (unacknowledged plus unsent).
    size_t size() const { return ring_.size(); }
    size_t free_space() const { return ring_.free_space(); }
    // Resizes an empty buffer (setsockopt SO_SNDBUF before connecting).
    void set_capacity(size_t capacity) { ring_.set_capacity(capacity); }

    // Appends as much of src as fits: the count taken (0 when full), EFAULT when src is
    // unreadable before anything was taken, ENOMEM when storage cannot be allocated.
    Result<size_t> append(IoBuffer& src);
    // Copies dst.size() bytes starting offset bytes after SND.UNA; the caller keeps within size().
    void copy_out(size_t offset, std::span<uint8_t> dst) const { ring_.read_at(offset, dst); }
    // Drops count acknowledged bytes from the front.
    void acknowledge(size_t count) { ring_.consume(count); }
    // Discards everything (abort).
    void clear() { ring_.clear(); }

private:
    ByteRing ring_;
};

}  // namespace ingot::net
