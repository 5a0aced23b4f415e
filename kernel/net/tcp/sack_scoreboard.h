// The sender's SACK scoreboard (RFC 6675 §3-§4): which outstanding sequence ranges the peer
// reported holding in its SACK blocks (RFC 2018), and from that which holes count as lost
// (IsLost), how much data is still in the network (SetPipe) and which hole to retransmit
// next (NextSeg rules 1 and 3). The caller supplies SND.UNA, SND.MAX and the SMSS.
#pragma once

#include <net/tcp/sequence.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ingot::net {

class TcpSackScoreboard {
public:
    // Disjoint, non-adjacent ranges are kept, ascending. A peer reports at most four per
    // ACK; the bound only matters for a window with very many holes, where the lowest
    // range is forgotten (its data is then retransmitted, which is merely wasteful).
    static constexpr size_t kMaxRanges = 16;
    // RFC 6675 §2 DupThresh.
    static constexpr uint32_t kDupThresh = 3;

    struct Range {
        SeqNumber begin, end;  // [begin, end)
    };
    struct Hole {
        SeqNumber seq;
        uint32_t length;
    };

    // Forgets everything; HighRxt starts at snd_una (nothing retransmitted yet).
    void reset(SeqNumber snd_una);
    // Records [left, right) as held by the peer (RFC 6675 §4 Update()), merging it with
    // what overlaps or touches it. The caller has checked snd_una <= left < right <=
    // snd_max. Returns whether any byte of it was not recorded before.
    bool record(SeqNumber left, SeqNumber right);
    // SND.UNA advanced: drops the ranges (and the part of a range) now below it.
    void acknowledge(SeqNumber snd_una);

    bool empty() const { return count_ == 0; }
    std::span<const Range> ranges() const { return {ranges_.data(), count_}; }
    // Whether seq lies in a SACKed range.
    bool is_sacked(SeqNumber seq) const;
    // The right edge of the highest SACKed range (RFC 6675 HighACK's SACK counterpart);
    // fallback when nothing is SACKed.
    SeqNumber highest_sacked(SeqNumber fallback) const { return count_ ? ranges_[count_ - 1].end : fallback; }
    // Bytes SACKed within [from, to).
    uint32_t sacked_between(SeqNumber from, SeqNumber to) const;
    // IsLost (RFC 6675 §4) for every unSACKed byte below the returned edge: DupThresh
    // SACKed ranges, or more than (DupThresh - 1) * SMSS SACKed bytes, lie above it.
    // nullopt when no hole qualifies.
    std::optional<SeqNumber> lost_edge(uint32_t smss) const;
    // IsLost(seq) of RFC 6675 §4.
    bool is_lost(SeqNumber seq, uint32_t smss) const;
    // SetPipe (RFC 6675 §4): bytes of [snd_una, snd_max) thought to be in the network:
    // every unSACKed byte not lost, plus every unSACKed byte below HighRxt (retransmitted).
    uint32_t pipe(SeqNumber snd_una, SeqNumber snd_max, uint32_t smss) const;
    // NextSeg (RFC 6675 §4) rule 1 (only_lost) or rule 3: the first unSACKed hole at or
    // above max(snd_una, HighRxt) and below the lost edge (rule 1) or the highest SACKed
    // byte (rule 3), at most smss bytes and never running into a SACKed range.
    std::optional<Hole> next_hole(SeqNumber snd_una, uint32_t smss, bool only_lost) const;
    // seq, or the right edge of the SACKed range that holds it.
    SeqNumber skip_sacked(SeqNumber seq) const;
    // How many bytes from seq (not SACKed) run before the next SACKed range or limit.
    uint32_t unsacked_run(SeqNumber seq, SeqNumber limit) const;

    // HighRxt: the end of the highest data retransmitted in this recovery.
    SeqNumber high_retransmitted() const { return high_rxt_; }
    void note_retransmitted(SeqNumber end) { high_rxt_ = seq_max(high_rxt_, end); }
    // A new recovery starts: nothing of it has been retransmitted yet.
    void reset_retransmitted(SeqNumber snd_una) { high_rxt_ = snd_una; }

private:
    void remove(size_t index);

    std::array<Range, kMaxRanges> ranges_{};
    size_t count_ = 0;
    SeqNumber high_rxt_;
};

}  // namespace ingot::net
