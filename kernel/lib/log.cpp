#include <drivers/console.h>
#include <lib/log.h>

namespace ingot {
namespace {
LogLevel max_level = LogLevel::Info;
}

void set_log_level(LogLevel level) { max_level = level; }

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= static_cast<int>(max_level); }

void log_line(const char* prefix, const char* fmt, va_list args) {
    char line[512];
    size_t len = format_to(line, sizeof(line), "ingot: %s", prefix);
    len += format_to(line + len, sizeof(line) - len - 1, fmt, args);
    line[len++] = '\n';
    console_write(ConsoleStream::Stderr, line, len);
}

void log(LogLevel level, const char* fmt, ...) {
    if (!log_enabled(level)) return;
    va_list args;
    va_start(args, fmt);
    log_line("", fmt, args);
    va_end(args);
}

}  // namespace ingot
