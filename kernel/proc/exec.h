// execve(2) of static programs from the file system: the process keeps its pid, descriptors
// (but those marked close-on-exec) and ignored signals; it gets a new address space with the
// new program, and its other threads end. "#!" scripts run their interpreter, as on Linux.
#pragma once

#include <lib/result.h>

#include <span>
#include <string_view>

namespace ingot {

// Replaces the current process's program. Returns only on failure, before anything about the
// process changed (ENOENT, EACCES, ENOEXEC for a dynamic or foreign binary, E2BIG, ENOMEM).
// A failure after the point of no return ends the process with SIGSEGV, as Linux does.
Result<void> exec_program(std::string_view path, std::span<const std::string_view> argv,
                          std::span<const std::string_view> envp);

}  // namespace ingot
