// TCP's receive buffer (SO_RCVBUF) with reassembly. In-order bytes wait here for the program;
// segments that arrive ahead of RCV.NXT are stored at their place in the same ring and
// remembered as ranges, so a retransmission that fills the hole releases them all at once
// (RFC 9293 §3.10.7.4 "seventh": segments beyond RCV.NXT are held for later processing).
// The ring never holds more than its capacity, which is also the most the window ever offers,
// and at most kMaxRanges separate ranges, so a hostile peer cannot make reassembly grow.
#pragma once

#include <fs/io_buffer.h>
#include <lib/result.h>
#include <net/tcp/byte_ring.h>
#include <net/tcp/sequence.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class TcpReceiveBuffer {
public:
    static constexpr size_t kMaxRanges = 8;

    explicit TcpReceiveBuffer(size_t capacity) : ring_(capacity) {}

    size_t capacity() const { return ring_.capacity(); }
    // In-order bytes the program can read.
    size_t readable() const { return ring_.size(); }
    // Room after RCV.NXT: the receive window before scaling (RFC 9293 §3.8.6.2.2).
    size_t window() const { return ring_.free_space(); }
    // Whether bytes beyond RCV.NXT are waiting for a hole to fill.
    bool has_out_of_order() const { return range_count_ != 0; }

    struct Range {
        SeqNumber begin;
        SeqNumber end;  // exclusive
    };
    // The ranges held beyond RCV.NXT, lowest first (what SACK blocks report, RFC 2018).
    std::span<const Range> out_of_order() const { return {ranges_.data(), range_count_}; }
    // Resizes an empty buffer (setsockopt SO_RCVBUF before connecting).
    void set_capacity(size_t capacity) { ring_.set_capacity(capacity); range_count_ = 0; }

    // Stores data that starts at sequence number seq while RCV.NXT is rcv_nxt. Bytes before
    // rcv_nxt (duplicates) and past the window are cut off. Returns how far RCV.NXT advances,
    // which is more than data.size() when the segment filled a hole.
    size_t insert(SeqNumber rcv_nxt, SeqNumber seq, std::span<const uint8_t> data);
    // Copies up to dst.size() readable bytes into dst and (unless peek) drops them: the count,
    // or EFAULT when dst is unwritable before anything was copied.
    Result<size_t> read(IoBuffer& dst, bool peek);
    // Drops the readable bytes unread (after shutdown(SHUT_RD)).
    void discard_readable() { ring_.consume(ring_.size()); }
    // Discards everything.
    void clear();

private:
    // Records [begin, end) as received out of order; false when it would need a new range
    // and all kMaxRanges are taken.
    bool add_range(SeqNumber begin, SeqNumber end);

    ByteRing ring_;
    std::array<Range, kMaxRanges> ranges_{};  // sorted, disjoint, not adjacent
    size_t range_count_ = 0;
};

}  // namespace ingot::net
