#include "fakes/fake_console.h"

#include <drivers/console.h>

namespace ingot {
namespace {
std::string captured_stdout, captured_stderr;
}

void console_write(ConsoleStream stream, const char* data, size_t len) {
    (stream == ConsoleStream::Stdout ? captured_stdout : captured_stderr).append(data, len);
}

namespace fake_console {
const std::string& stdout_text() { return captured_stdout; }
const std::string& stderr_text() { return captured_stderr; }
void clear() {
    captured_stdout.clear();
    captured_stderr.clear();
}
}  // namespace fake_console
}  // namespace ingot
