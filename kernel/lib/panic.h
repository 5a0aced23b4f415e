// A broken kernel invariant: report it and stop the machine. Bad input never panics; it
// returns an error.
#pragma once

namespace ingot {

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace ingot
