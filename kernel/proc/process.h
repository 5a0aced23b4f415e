// The one program an Ingot image runs. Its memory is the AddressSpace (mm/address_space.h),
// its files the FsContext (fs/fs_context.h), its threads are Threads (proc/thread.h); this
// holds the rest of its kernel-side state.
#pragma once

#include <proc/signals.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace ingot {

inline constexpr int kProgramPid = 1;

struct Process {
    SigAction signal_actions[kSignalCount + 1] = {};  // shared by all threads (CLONE_SIGHAND)
    uint64_t shared_pending = 0;                      // process-directed signals (kill(2))
    std::span<const uint8_t> program_file;  // the ELF, for naming symbols in crash reports
    uint64_t load_bias = 0;                 // static-pie base; 0 for ET_EXEC
    std::string_view exe_path;
};

Process& current_process();

// The next signal the current thread would take on its way back to the program, or 0.
int next_deliverable_signal();

// Ends the program with the status a shell would report (exit code, or 128 + signal) and
// powers the machine off. Implemented by the architecture.
[[noreturn]] void exit_program(int shell_status);

// Ends the program as the default action of `signal` does, after a one-line report naming
// `fault_address` and `ip` (with the function name when the program has symbols).
[[noreturn]] void terminate_by_signal(int signal, uint64_t fault_address, uint64_t ip, bool has_address);

}  // namespace ingot
