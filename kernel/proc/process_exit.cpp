#include <fs/fs_context.h>
#include <fs/record_locks.h>
#include <linux/signal_dispatch.h>
#include <mm/address_space.h>
#include <proc/process_exit.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

namespace ingot {
namespace {

constexpr uint64_t kSaNoCldWait = 0x2;  // SA_NOCLDWAIT

// POSIX: when the parent ignores SIGCHLD (or asked for SA_NOCLDWAIT) its children leave no
// zombie behind.
bool parent_discards_children(const Process& parent) {
    const SigAction& action = parent.signal_actions[kSigChld];
    return action.handler == kSigIgnore || (action.flags & kSaNoCldWait);
}

}  // namespace

[[noreturn]] void exit_process(int wait_status) {
    Process& process = current_process();
    if (&process == &initial_process()) exit_program(shell_status(wait_status));
    stop_process_threads(process);
    exit_current_thread(wait_status);
}

void process_ended(Process& process, int wait_status) {
    if (&process == &initial_process()) exit_program(shell_status(wait_status));
    if (process.fs) process.fs->fds.close_all();
    record_locks().release(&process);
    if (!process.shares_parent_space) process.space->release_everything();
    process.vfork_parent_waits = false;
    for_each_process([&process](Process& child) {
        if (child.parent == &process) child.parent = &initial_process();
    });
    process.state = ProcessState::Zombie;
    process.wait_status = wait_status;
    Process* parent = process.parent;
    if (parent && parent_discards_children(*parent)) {
        process.reaped = true;  // freed once its last thread's kernel state is
        process.parent = nullptr;
    } else if (parent) {
        send_process_signal(*parent, kSigChld);
    }
}

}  // namespace ingot
