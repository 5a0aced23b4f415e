// A token bucket in integer nanoseconds: the rate limiter for generated ICMP errors
// (RFC 1812 §4.3.2.8, RFC 1122 §3.2.2: "a host SHOULD limit the rate of ICMP error messages").
#pragma once

#include <cstdint>

namespace ingot::net {

class TokenBucket {
public:
    // Allows rate_per_second events on average and bursts of up to burst events.
    TokenBucket(uint32_t rate_per_second, uint32_t burst)
        : cost_ns_(1'000'000'000ull / (rate_per_second ? rate_per_second : 1)),
          capacity_ns_(cost_ns_ * (burst ? burst : 1)),
          credit_ns_(capacity_ns_) {}

    // Takes one token if available at time now_ns; false when the event must be suppressed.
    bool take(uint64_t now_ns) {
        if (now_ns > last_ns_) {
            uint64_t elapsed = now_ns - last_ns_;
            credit_ns_ = elapsed >= capacity_ns_ - credit_ns_ ? capacity_ns_ : credit_ns_ + elapsed;
            last_ns_ = now_ns;
        }
        if (credit_ns_ < cost_ns_) return false;
        credit_ns_ -= cost_ns_;
        return true;
    }

private:
    uint64_t cost_ns_;
    uint64_t capacity_ns_;
    uint64_t credit_ns_;
    uint64_t last_ns_ = 0;
};

}  // namespace ingot::net
