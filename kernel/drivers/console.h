// Where the program's standard streams and kernel messages go. The kernel implements these
// over the host channels (image/host_channels.h); host unit tests capture them.
#pragma once

#include <cstddef>

namespace ingot {

enum class ConsoleStream { Stdout, Stderr };

// Writes all len bytes to the stream (program stdout/stderr; kernel log uses Stderr).
void console_write(ConsoleStream stream, const char* data, size_t len);

}  // namespace ingot
