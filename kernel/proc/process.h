// A process: one program image running in its own address space (mm/address_space.h) with its
// own descriptors (fs/fs_context.h), signal actions and threads (proc/thread.h). The image's
// program is the first process, pid 1; fork(2) makes more. When pid 1 ends, the machine powers
// off with its status, as a unikernel whose program is done.
#pragma once

#include <fs/ref_counted.h>
#include <proc/signals.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot {

class AddressSpace;
struct FsContext;

// The bytes of a program that execve loaded (the ELF, then its path), kept for crash reports
// and /proc/self/exe for as long as a process runs it.
struct ExecutedProgram : RefCounted {
    std::vector<uint8_t> bytes;
};

inline constexpr int kProgramPid = 1;

enum class ProcessState { Alive, Zombie };

struct Process {
    int pid = kProgramPid;
    Process* parent = nullptr;  // nullptr for pid 1
    int pgid = kProgramPid;     // process group and session (setpgid(2), setsid(2))
    int sid = kProgramPid;
    AddressSpace* space = nullptr;
    FsContext* fs = nullptr;
    SigAction signal_actions[kSignalCount + 1] = {};  // shared by all threads (CLONE_SIGHAND)
    uint64_t shared_pending = 0;                      // process-directed signals (kill(2))
    std::span<const uint8_t> program_file;  // the ELF, for naming symbols in crash reports
    uint64_t load_bias = 0;                 // static-pie base; 0 for ET_EXEC
    std::string_view exe_path;
    // After execve: the program file with its path appended, shared with forked children.
    RefPtr<ExecutedProgram> executed;

    // Credentials (credentials(7)): real, effective and saved user and group ids, and the
    // supplementary groups. Everything starts as root. They are reported and changed as on
    // Linux, but files carry no permission checks, so they grant or deny nothing else.
    uint32_t uid = 0, euid = 0, suid = 0;
    uint32_t gid = 0, egid = 0, sgid = 0;
    std::vector<uint32_t> groups;

    // ITIMER_REAL (proc/real_timer.h): the monotonic expiry (~0: disarmed) and the period.
    uint64_t real_timer_expiry_ns = ~0ull;
    uint64_t real_timer_interval_ns = 0;

    int live_threads = 1;      // threads not yet exited
    int thread_structs = 1;    // threads whose kernel state still exists (freed after a switch)
    ProcessState state = ProcessState::Alive;
    bool reaped = false;       // waited for, or its parent ignores SIGCHLD: free when possible
    int wait_status = 0;            // once a zombie: the status wait(2) reports
    bool vfork_parent_waits = false;  // vfork(2): the parent sleeps until this clears
    bool shares_parent_space = false;  // vfork: borrows the parent's address space until execve

    Process* next = nullptr;  // in the list of all processes
};

// The process of the running thread.
Process& current_process();
// pid 1, which exists from boot.
Process& initial_process();

// The live or zombie process with this pid, or nullptr.
Process* find_process(int pid);
// Calls fn for every process that has not been reaped (zombies included).
template <typename Fn>
void for_each_process(Fn&& fn);
Process* first_process();

// Adds a new process (its fields set by the caller) to the list of all processes.
void register_process(Process& process);
// Frees a reaped zombie once no thread of it has kernel state left (never pid 1).
void release_process_if_done(Process& process);

// The next signal the current thread would take on its way back to the program, or 0.
int next_deliverable_signal();

// Powers the machine off with the status a shell would report for pid 1 (exit code, or 128 +
// signal), after stopping every thread and letting the network deliver what was written.
// Implemented by the architecture.
[[noreturn]] void exit_program(int shell_status);

// Ends the current process as the default action of `signal` does, after a one-line report
// naming `fault_address` and `ip` (with the function name when the program has symbols).
[[noreturn]] void terminate_by_signal(int signal, uint64_t fault_address, uint64_t ip, bool has_address);

template <typename Fn>
void for_each_process(Fn&& fn) {
    for (Process* p = first_process(); p;) {
        Process* next = p->next;
        fn(*p);
        p = next;
    }
}

}  // namespace ingot
