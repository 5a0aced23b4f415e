// RequestBudget: counts the responses written in full against an optional limit.
#pragma once

#include <cstdint>
#include <optional>

class RequestBudget {
public:
    explicit RequestBudget(std::optional<uint64_t> limit) : limit_(limit) {}

    // Records one response whose last byte the socket accepted.
    void count_response() { ++served_; }
    // True once the limit (if any) was reached: the server stops serving.
    bool exhausted() const { return limit_ && served_ >= *limit_; }
    uint64_t served() const { return served_; }

private:
    std::optional<uint64_t> limit_;
    uint64_t served_ = 0;
};
