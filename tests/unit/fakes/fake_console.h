// Captures what the kernel writes through drivers/console.h, for host tests.
#pragma once

#include <string>

namespace ingot::fake_console {

// Everything written to the stream since the last clear().
const std::string& stdout_text();
const std::string& stderr_text();
void clear();

}  // namespace ingot::fake_console
