#include "frame_impairment.h"

#include <charconv>
#include <iterator>
#include <limits>

namespace ingot::net_peer {

namespace {

bool parse_number(std::string_view text, uint64_t& out) {
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

bool ImpairmentProfile::parse(std::string_view text, ImpairmentProfile& out) {
    ImpairmentProfile profile;
    while (!text.empty()) {
        size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        size_t equals = item.find('=');
        if (equals == std::string_view::npos) return false;
        std::string_view key = item.substr(0, equals);
        uint64_t value = 0;
        if (!parse_number(item.substr(equals + 1), value)) return false;
        const bool per_mille = key == "loss" || key == "dup" || key == "reorder";
        if (per_mille && value > 1000) return false;
        if (!per_mille && value > 10'000'000) return false;  // ten seconds is plenty
        if (key == "loss") profile.loss_per_mille = static_cast<uint32_t>(value);
        else if (key == "dup") profile.duplicate_per_mille = static_cast<uint32_t>(value);
        else if (key == "reorder") profile.reorder_per_mille = static_cast<uint32_t>(value);
        else if (key == "delay_us") profile.delay_ns = value * 1000;
        else if (key == "reorder_delay_us") profile.reorder_delay_ns = value * 1000;
        else return false;
    }
    out = profile;
    return true;
}

std::string ImpairmentProfile::describe() const {
    return "loss=" + std::to_string(loss_per_mille) + ",dup=" + std::to_string(duplicate_per_mille) +
           ",reorder=" + std::to_string(reorder_per_mille) + ",delay_us=" + std::to_string(delay_ns / 1000) +
           ",reorder_delay_us=" + std::to_string(reorder_delay_ns / 1000);
}

FrameImpairment::Fate FrameImpairment::decide(uint64_t now_ns, uint64_t& due) {
    due = now_ns + profile_.delay_ns;
    if (roll(profile_.reorder_per_mille)) {
        ++counters_.reordered;
        due += profile_.reorder_delay_ns;
    }
    return due == now_ns ? Fate::Pass : Fate::Hold;
}

void FrameImpairment::hold(std::span<const uint8_t> frame, uint64_t due) {
    // Due times arrive almost in order: search for the place from the back.
    auto at = held_.end();
    while (at != held_.begin() && std::prev(at)->due > due) --at;
    held_.insert(at, Held{due, std::vector<uint8_t>(frame.begin(), frame.end())});
}

uint64_t FrameImpairment::next_release() const {
    return held_.empty() ? std::numeric_limits<uint64_t>::max() : held_.front().due;
}

}  // namespace ingot::net_peer
