#include <ingot/control_channel.h>

namespace ingot::tool {

namespace {

// A line longer than this is not a control line; keep memory bounded against a chatty guest.
constexpr size_t kMaxLine = 256;

}  // namespace

void ControlChannel::feed(std::string_view bytes) {
    for (char c : bytes) {
        if (c == '\n') {
            take_line(partial_);
            partial_.clear();
        } else if (partial_.size() < kMaxLine) {
            partial_.push_back(c);
        }
    }
}

void ControlChannel::finish() {
    if (!partial_.empty()) take_line(partial_);
    partial_.clear();
}

void ControlChannel::take_line(std::string_view line) {
    if (outcome_ != Outcome::None) return;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "panic") {
        outcome_ = Outcome::Panic;
        return;
    }
    constexpr std::string_view kStatus = "status ";
    if (line.substr(0, kStatus.size()) != kStatus) return;
    std::string_view digits = line.substr(kStatus.size());
    if (digits.empty() || digits.size() > 3) return;
    int value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return;
        value = value * 10 + (c - '0');
    }
    if (value > 255) return;
    outcome_ = Outcome::Status;
    status_ = value;
}

}  // namespace ingot::tool
