#include <net/tcp/sack_scoreboard.h>

#include <algorithm>

namespace ingot::net {

void TcpSackScoreboard::reset(SeqNumber snd_una) {
    count_ = 0;
    high_rxt_ = snd_una;
}

void TcpSackScoreboard::remove(size_t index) {
    for (size_t i = index; i + 1 < count_; ++i) ranges_[i] = ranges_[i + 1];
    --count_;
}

bool TcpSackScoreboard::record(SeqNumber left, SeqNumber right) {
    if (right <= left) return false;
    const bool news = sacked_between(left, right) < right.distance_from(left);
    if (!news) return false;
    // Absorb every range that overlaps or touches [left, right), then insert in order.
    for (size_t i = 0; i < count_;) {
        if (ranges_[i].end < left || right < ranges_[i].begin) {
            ++i;
            continue;
        }
        left = seq_min(left, ranges_[i].begin);
        right = seq_max(right, ranges_[i].end);
        remove(i);
    }
    if (count_ == kMaxRanges) {
        // Full: forget the lowest range, unless the new one is lower still.
        if (right < ranges_[0].begin) return true;
        remove(0);
    }
    size_t at = 0;
    while (at < count_ && ranges_[at].begin < left) ++at;
    for (size_t i = count_; i > at; --i) ranges_[i] = ranges_[i - 1];
    ranges_[at] = {left, right};
    ++count_;
    return true;
}

void TcpSackScoreboard::acknowledge(SeqNumber snd_una) {
    while (count_ > 0 && ranges_[0].end <= snd_una) remove(0);
    if (count_ > 0 && ranges_[0].begin < snd_una) ranges_[0].begin = snd_una;
    high_rxt_ = seq_max(high_rxt_, snd_una);
}

bool TcpSackScoreboard::is_sacked(SeqNumber seq) const {
    for (size_t i = 0; i < count_; ++i) {
        if (ranges_[i].begin <= seq && seq < ranges_[i].end) return true;
    }
    return false;
}

uint32_t TcpSackScoreboard::sacked_between(SeqNumber from, SeqNumber to) const {
    uint32_t total = 0;
    for (size_t i = 0; i < count_; ++i) {
        const SeqNumber b = seq_max(ranges_[i].begin, from);
        const SeqNumber e = seq_min(ranges_[i].end, to);
        if (b < e) total += e.distance_from(b);
    }
    return total;
}

std::optional<SeqNumber> TcpSackScoreboard::lost_edge(uint32_t smss) const {
    // The SACKed amount above a hole only grows towards lower sequence numbers, so the holes
    // that IsLost() accepts are exactly those below some range's left edge: walk down from
    // the top until the threshold is met.
    uint64_t bytes = 0;
    for (size_t i = count_; i-- > 0;) {
        bytes += ranges_[i].end.distance_from(ranges_[i].begin);
        const size_t ranges_above = count_ - i;
        if (ranges_above >= kDupThresh || bytes > uint64_t{kDupThresh - 1} * smss) return ranges_[i].begin;
    }
    return std::nullopt;
}

bool TcpSackScoreboard::is_lost(SeqNumber seq, uint32_t smss) const {
    const std::optional<SeqNumber> edge = lost_edge(smss);
    return edge && seq < *edge && !is_sacked(seq);
}

uint32_t TcpSackScoreboard::pipe(SeqNumber snd_una, SeqNumber snd_max, uint32_t smss) const {
    if (snd_max <= snd_una) return 0;
    auto unsacked = [&](SeqNumber from, SeqNumber to) -> uint32_t {
        if (to <= from) return 0;
        return to.distance_from(from) - sacked_between(from, to);
    };
    const uint32_t outstanding = unsacked(snd_una, snd_max);
    const std::optional<SeqNumber> edge = lost_edge(smss);
    const uint32_t lost = edge ? unsacked(snd_una, seq_min(*edge, snd_max)) : 0;
    const uint32_t retransmitted = unsacked(snd_una, seq_min(high_rxt_, snd_max));
    return outstanding - lost + retransmitted;
}

SeqNumber TcpSackScoreboard::skip_sacked(SeqNumber seq) const {
    for (size_t i = 0; i < count_; ++i) {
        if (ranges_[i].begin <= seq && seq < ranges_[i].end) return ranges_[i].end;
    }
    return seq;
}

uint32_t TcpSackScoreboard::unsacked_run(SeqNumber seq, SeqNumber limit) const {
    if (limit <= seq || is_sacked(seq)) return 0;
    SeqNumber end = limit;
    for (size_t i = 0; i < count_; ++i) {
        if (seq < ranges_[i].begin) {
            end = seq_min(end, ranges_[i].begin);
            break;
        }
    }
    return end.distance_from(seq);
}

std::optional<TcpSackScoreboard::Hole> TcpSackScoreboard::next_hole(SeqNumber snd_una, uint32_t smss,
                                                                    bool only_lost) const {
    if (count_ == 0) return std::nullopt;
    std::optional<SeqNumber> limit = only_lost ? lost_edge(smss) : std::optional<SeqNumber>(ranges_[count_ - 1].begin);
    if (!limit) return std::nullopt;
    const SeqNumber start = skip_sacked(seq_max(snd_una, high_rxt_));
    const uint32_t run = unsacked_run(start, *limit);
    if (run == 0) return std::nullopt;
    return Hole{start, std::min(run, smss)};
}

}  // namespace ingot::net
