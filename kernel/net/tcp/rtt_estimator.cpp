#include <net/tcp/rtt_estimator.h>

#include <algorithm>

namespace ingot::net {

RttEstimator::RttEstimator(uint64_t initial_rto_ns, uint64_t min_rto_ns, uint64_t max_rto_ns)
    : base_rto_(std::clamp(initial_rto_ns, min_rto_ns, max_rto_ns)),
      min_rto_(min_rto_ns),
      max_rto_(max_rto_ns) {}

void RttEstimator::sample(uint64_t rtt_ns) {
    if (!has_sample_) {
        // (2.2) First measurement R: SRTT <- R, RTTVAR <- R/2.
        srtt_ = rtt_ns;
        rttvar_ = rtt_ns / 2;
        has_sample_ = true;
    } else {
        // (2.3) RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT <- 7/8 SRTT + 1/8 R'
        // (alpha = 1/8, beta = 1/4), RTTVAR first as the RFC orders it.
        uint64_t error = srtt_ > rtt_ns ? srtt_ - rtt_ns : rtt_ns - srtt_;
        rttvar_ = (3 * rttvar_ + error) / 4;
        srtt_ = (7 * srtt_ + rtt_ns) / 8;
    }
    // RTO <- SRTT + max(G, K*RTTVAR) with K = 4, then (2.4)/(2.5) bounds.
    uint64_t rto = srtt_ + std::max(kGranularityNs, 4 * rttvar_);
    base_rto_ = std::clamp(rto, min_rto_, max_rto_);
    backoff_ = 0;
}

void RttEstimator::back_off() {
    if (rto() < max_rto_) ++backoff_;
}

void RttEstimator::restart(uint64_t rto_ns) {
    base_rto_ = std::clamp(rto_ns, min_rto_, max_rto_);
    backoff_ = 0;
    has_sample_ = false;
    srtt_ = rttvar_ = 0;
}

uint64_t RttEstimator::rto() const {
    uint64_t rto = base_rto_;
    for (uint32_t i = 0; i < backoff_ && rto < max_rto_; ++i) rto *= 2;
    return std::min(rto, max_rto_);
}

}  // namespace ingot::net
