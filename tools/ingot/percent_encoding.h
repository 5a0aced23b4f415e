// Percent-encoding of values on the guest's boot command line (kernel/image/format.h): tokens are
// separated by spaces, so every byte outside [A-Za-z0-9._~/:,+=-] travels as %HH (RFC 3986 §2.1).
#pragma once

#include <string>
#include <string_view>

namespace ingot::tool {

// Returns `value` with each byte outside the unreserved set replaced by '%' and two upper-case
// hex digits.
std::string percent_encode(std::string_view value);

}  // namespace ingot::tool
