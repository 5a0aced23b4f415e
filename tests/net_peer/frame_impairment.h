// A seeded, lossy delay line for Ethernet frames: drops, duplicates and delays (and thereby
// reorders) a chosen share of them, in the spirit of Linux's netem qdisc but inside the
// process, so that both directions of a TAP link can be impaired where netem is absent and
// every run with the same seed makes the same decisions.
//
// Only IPv4 frames are impaired: ARP is left alone so that address resolution does not add
// its own seconds-long retry timers to what is meant to exercise TCP's loss recovery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::net_peer {

struct ImpairmentProfile {
    uint32_t loss_per_mille = 0;       // frames dropped
    uint32_t duplicate_per_mille = 0;  // frames delivered twice
    uint32_t reorder_per_mille = 0;    // frames held back by reorder_delay_ns, so later ones overtake
    uint64_t delay_ns = 0;             // added to every frame
    uint64_t reorder_delay_ns = 2'000'000;

    bool active() const {
        return loss_per_mille || duplicate_per_mille || reorder_per_mille || delay_ns;
    }
    // Parses "loss=50,dup=20,reorder=250,delay_us=500,reorder_delay_us=2000" (per-mille and
    // microseconds; any subset, any order). False on an unknown key or a malformed number.
    static bool parse(std::string_view text, ImpairmentProfile& out);
    // The same text form, for logs.
    std::string describe() const;
};

struct ImpairmentCounters {
    uint64_t frames = 0;
    uint64_t dropped = 0;
    uint64_t duplicated = 0;
    uint64_t reordered = 0;
};

class FrameImpairment {
public:
    FrameImpairment(const ImpairmentProfile& profile, uint64_t seed) : profile_(profile), random_(seed) {}

    // Takes one frame sent at now_ns. Frames that pass unimpaired and undelayed are handed to
    // pass at once; the rest wait for release().
    template <typename Pass>
    void submit(std::span<const uint8_t> frame, uint64_t now_ns, Pass&& pass);
    // Hands every held frame due by now_ns to pass, earliest first.
    template <typename Pass>
    void release(uint64_t now_ns, Pass&& pass);
    // When the earliest held frame is due; UINT64_MAX when none is held.
    uint64_t next_release() const;

    const ImpairmentCounters& counters() const { return counters_; }

private:
    struct Held {
        uint64_t due;
        std::vector<uint8_t> bytes;
    };
    enum class Fate { Pass, Hold };
    // Whether one copy of a surviving IPv4 frame passes now or is held until due.
    Fate decide(uint64_t now_ns, uint64_t& due);
    bool roll(uint32_t per_mille) { return per_mille != 0 && random_() % 1000 < per_mille; }
    void hold(std::span<const uint8_t> frame, uint64_t due);

    ImpairmentProfile profile_;
    std::mt19937_64 random_;
    std::deque<Held> held_;  // sorted by due; equal dues in arrival order
    ImpairmentCounters counters_;
};

// Whether a frame carries IPv4 (EtherType 0x0800 right after the two MAC addresses).
inline bool is_ipv4_frame(std::span<const uint8_t> frame) {
    return frame.size() >= 14 && frame[12] == 0x08 && frame[13] == 0x00;
}

template <typename Pass>
void FrameImpairment::submit(std::span<const uint8_t> frame, uint64_t now_ns, Pass&& pass) {
    if (!profile_.active() || !is_ipv4_frame(frame)) {
        pass(frame);
        return;
    }
    ++counters_.frames;
    if (roll(profile_.loss_per_mille)) {
        ++counters_.dropped;
        return;
    }
    int copies = 1;
    if (roll(profile_.duplicate_per_mille)) {
        ++counters_.duplicated;
        copies = 2;
    }
    for (int i = 0; i < copies; ++i) {
        uint64_t due = 0;
        if (decide(now_ns, due) == Fate::Pass) {
            // Held frames already due go first, so that only the frames chosen for
            // reordering ever fall behind.
            release(now_ns, pass);
            pass(frame);
        } else {
            hold(frame, due);
        }
    }
}

template <typename Pass>
void FrameImpairment::release(uint64_t now_ns, Pass&& pass) {
    while (!held_.empty() && held_.front().due <= now_ns) {
        Held frame = std::move(held_.front());
        held_.pop_front();
        pass(std::span<const uint8_t>(frame.bytes));
    }
}

}  // namespace ingot::net_peer
