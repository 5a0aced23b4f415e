// The retransmission timer's estimator (RFC 6298): smoothed round-trip time and its variance
// from samples, the resulting RTO clamped to configured bounds, and exponential backoff.
// Integer nanoseconds throughout (the kernel has no floating point).
#pragma once

#include <cstdint>

namespace ingot::net {

class RttEstimator {
public:
    RttEstimator(uint64_t initial_rto_ns, uint64_t min_rto_ns, uint64_t max_rto_ns);

    // Feeds one round-trip measurement (RFC 6298 §2.2-2.3) and clears any backoff: Karn's
    // algorithm only ever passes samples from segments that were not retransmitted.
    void sample(uint64_t rtt_ns);
    // Doubles the timeout after a retransmission timer expiry (RFC 6298 (5.5)).
    void back_off();
    // Starts over from rto_ns without any sample (RFC 6298 (5.7)).
    void restart(uint64_t rto_ns);
    // The current retransmission timeout, backoff included.
    uint64_t rto() const;
    uint64_t smoothed_rtt() const { return srtt_; }
    uint64_t rtt_variance() const { return rttvar_; }
    bool has_sample() const { return has_sample_; }
    uint32_t backoff_shift() const { return backoff_; }

private:
    // Clock granularity G of RFC 6298 (2.2): our clock is in nanoseconds; 1 ms keeps RTTVAR
    // from collapsing the timeout onto the mean on very steady paths.
    static constexpr uint64_t kGranularityNs = 1'000'000;

    uint64_t base_rto_;
    uint64_t min_rto_;
    uint64_t max_rto_;
    uint64_t srtt_ = 0;
    uint64_t rttvar_ = 0;
    uint32_t backoff_ = 0;
    bool has_sample_ = false;
};

}  // namespace ingot::net
