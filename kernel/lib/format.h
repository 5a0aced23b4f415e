// printf-style formatting into a fixed buffer, for kernel messages (no allocation, no floats).
// Supports %d %i %u %x %X %p %s %c %% with the l/ll/z length modifiers, a width, '0' and '-'
// flags, and a precision for %s (including "%.*s").
#pragma once

#include <cstdarg>
#include <cstddef>

namespace ingot {

// Formats into buf (always NUL-terminated when capacity > 0, truncating if needed) and returns
// the number of characters written, excluding the NUL.
size_t format_to(char* buf, size_t capacity, const char* fmt, va_list args);
size_t format_to(char* buf, size_t capacity, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace ingot
