#include <drivers/console.h>
#include <lib/log.h>

namespace ingot {
namespace {
LogLevel max_level = LogLevel::Info;
}

void set_log_level(LogLevel level) { max_level = level; }

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= static_cast<int>(max_level); }

void log(LogLevel level, const char* fmt, ...) {
    if (!log_enabled(level)) return;
    char line[256] = "ingot: ";
    va_list args;
    va_start(args, fmt);
    size_t len = 7 + format_to(line + 7, sizeof(line) - 8, fmt, args);
    va_end(args);
    line[len++] = '\n';
    console_write(ConsoleStream::Stderr, line, len);
}

}  // namespace ingot
