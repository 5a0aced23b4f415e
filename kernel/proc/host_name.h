// The machine's host name: uname(2)'s nodename and the name /etc/hosts gives our address.
#pragma once

#include <string_view>

namespace ingot {

inline constexpr std::string_view machine_host_name = "ingot";

}  // namespace ingot
