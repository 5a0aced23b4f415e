// RequestBudget: counts the responses written in full against an optional limit; shared by
// every worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

class RequestBudget {
public:
    explicit RequestBudget(std::optional<uint64_t> limit) : limit_(limit) {}

    // Records one response whose last byte the socket accepted.
    void count_response() { served_.fetch_add(1, std::memory_order_relaxed); }
    // True once the limit (if any) was reached: the server stops serving.
    bool exhausted() const { return limit_ && served() >= *limit_; }
    uint64_t served() const { return served_.load(std::memory_order_relaxed); }

private:
    const std::optional<uint64_t> limit_;
    std::atomic<uint64_t> served_{0};
};
