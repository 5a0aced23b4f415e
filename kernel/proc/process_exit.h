// How processes end and are waited for (exit(2), exit_group(2), wait4(2)), and the wait status
// encoding wait(2) reports: exit code << 8, or the number of the signal that ended it.
#pragma once

#include <proc/process.h>

namespace ingot {

constexpr int exited_status(int code) { return (code & 0xFF) << 8; }
constexpr int killed_status(int signal) { return signal & 0x7F; }
// What a shell reports for a wait status: the exit code, or 128 + the signal.
constexpr int shell_status(int wait_status) {
    return (wait_status & 0x7F) ? 128 + (wait_status & 0x7F) : (wait_status >> 8) & 0xFF;
}

// Ends the current process with `wait_status`: its other threads stop, then the caller's.
// For pid 1 this powers the machine off.
[[noreturn]] void exit_process(int wait_status);

// The last thread of `process` has ended: it becomes a zombie for its parent to reap (its
// memory and descriptors are released now) and the parent gets SIGCHLD. pid 1 powers the
// machine off instead.
void process_ended(Process& process, int wait_status);

}  // namespace ingot
