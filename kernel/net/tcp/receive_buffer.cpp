#include <net/tcp/receive_buffer.h>

#include <algorithm>

namespace ingot::net {

size_t TcpReceiveBuffer::insert(SeqNumber rcv_nxt, SeqNumber seq, std::span<const uint8_t> data) {
    if (seq < rcv_nxt) {
        uint32_t duplicate = rcv_nxt.distance_from(seq);
        if (duplicate >= data.size()) return 0;
        data = data.subspan(duplicate);
        seq = rcv_nxt;
    }
    size_t offset = seq.distance_from(rcv_nxt);
    size_t room = window();
    if (offset >= room || data.empty()) return 0;
    data = data.first(std::min(data.size(), room - offset));
    if (!ring_.ensure_storage()) return 0;  // out of memory: as if the segment were lost

    if (offset > 0) {
        if (!add_range(seq, seq + static_cast<uint32_t>(data.size()))) return 0;
        ring_.write_at(ring_.size() + offset, data);
        return 0;
    }
    ring_.write_at(ring_.size(), data);
    SeqNumber end = rcv_nxt + static_cast<uint32_t>(data.size());
    // Ranges now reached by the in-order data join it.
    size_t consumed = 0;
    while (consumed < range_count_ && ranges_[consumed].begin <= end) {
        end = seq_max(end, ranges_[consumed].end);
        ++consumed;
    }
    std::copy(ranges_.begin() + consumed, ranges_.begin() + range_count_, ranges_.begin());
    range_count_ -= consumed;
    size_t advance = end.distance_from(rcv_nxt);
    ring_.commit(advance);
    return advance;
}

bool TcpReceiveBuffer::add_range(SeqNumber begin, SeqNumber end) {
    // First range that ends at or after begin: the new one merges with it or goes before it.
    size_t i = 0;
    while (i < range_count_ && ranges_[i].end < begin) ++i;
    size_t last = i;
    while (last < range_count_ && ranges_[last].begin <= end) ++last;
    if (last > i) {
        // Overlaps or touches ranges [i, last): they fold into one.
        ranges_[i].begin = seq_min(ranges_[i].begin, begin);
        ranges_[i].end = seq_max(ranges_[last - 1].end, end);
        std::copy(ranges_.begin() + last, ranges_.begin() + range_count_, ranges_.begin() + i + 1);
        range_count_ -= last - i - 1;
        return true;
    }
    if (range_count_ == kMaxRanges) return false;
    std::copy_backward(ranges_.begin() + i, ranges_.begin() + range_count_,
                       ranges_.begin() + range_count_ + 1);
    ranges_[i] = Range{begin, end};
    ++range_count_;
    return true;
}

Result<size_t> TcpReceiveBuffer::read(IoBuffer& dst, bool peek) {
    size_t wanted = std::min(dst.size(), readable());
    size_t done = 0;
    while (done < wanted) {
        std::span<const uint8_t> run = ring_.contiguous_at(done, wanted - done);
        Result<void> copied = dst.copy_to_buffer(done, run.data(), run.size());
        if (!copied.ok()) {
            if (done == 0) return copied.error();
            break;
        }
        done += run.size();
    }
    if (!peek) ring_.consume(done);
    return done;
}

void TcpReceiveBuffer::clear() {
    ring_.clear();
    range_count_ = 0;
}

}  // namespace ingot::net
