// Kernel messages: one line each, prefixed "ingot: ", on the stderr channel.
#pragma once

#include <lib/format.h>

namespace ingot {

enum class LogLevel { Error, Info, Debug };

// Messages above this level are dropped; set from the "log" kernel option.
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Writes one line "ingot: <prefix><message>" to the kernel channel, whatever the log level.
void log_line(const char* prefix, const char* fmt, va_list args);

#define log_error(...) ::ingot::log(::ingot::LogLevel::Error, __VA_ARGS__)
#define log_info(...) ::ingot::log(::ingot::LogLevel::Info, __VA_ARGS__)
#define log_debug(...) ::ingot::log(::ingot::LogLevel::Debug, __VA_ARGS__)

}  // namespace ingot
