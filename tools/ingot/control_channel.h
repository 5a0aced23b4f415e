// The guest's control line (kernel/image/host_channels.h): "status N\n" when the program ended
// with shell status N, or "panic\n" after a kernel panic. Bytes arrive in arbitrary pieces.
#pragma once

#include <string>
#include <string_view>

namespace ingot::tool {

class ControlChannel {
public:
    enum class Outcome { None, Status, Panic };

    // Consumes bytes read from the channel. The first complete "status N" (0 <= N <= 255) or
    // "panic" line decides the outcome; later and unknown lines are ignored.
    void feed(std::string_view bytes);
    // Treats a final line without its newline as complete (the channel closed).
    void finish();

    Outcome outcome() const { return outcome_; }
    int status() const { return status_; }

private:
    void take_line(std::string_view line);

    std::string partial_;
    Outcome outcome_ = Outcome::None;
    int status_ = 0;
};

}  // namespace ingot::tool
