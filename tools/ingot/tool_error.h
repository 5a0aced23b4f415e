// The one error type of the ingot tool: a one-line message and the exit status it leads to.
// Thrown where the problem is found, caught once in ingot_main(), printed as "ingot: error: ...".
#pragma once

#include <stdexcept>
#include <string>

namespace ingot::tool {

// Exit statuses of the tool itself (the guest's status and host_channels.h cover the rest).
inline constexpr int kStatusBadInput = 1;  // a missing, unreadable or invalid input file
inline constexpr int kStatusUsage = 2;     // a bad command line

class ToolError : public std::runtime_error {
public:
    ToolError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

// A command-line mistake: exit status 2.
inline ToolError usage_error(const std::string& message) { return ToolError(kStatusUsage, message); }
// A bad input file or environment: exit status 1.
inline ToolError input_error(const std::string& message) { return ToolError(kStatusBadInput, message); }

}  // namespace ingot::tool
