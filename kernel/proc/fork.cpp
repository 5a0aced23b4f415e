#include <fs/fs_context.h>
#include <mm/address_space.h>
#include <mm/user_memory.h>
#include <proc/arch_thread.h>
#include <proc/event_loop.h>
#include <proc/fork.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

#include <new>

namespace ingot {
namespace {

// The child's Process, sharing or copying what the parent has. Its thread comes separately.
Result<Process*> copy_process(Process& parent, const ForkRequest& request) {
    auto* child = new (std::nothrow) Process;
    if (!child) return Errno::ENOMEM;
    child->parent = &parent;
    child->live_threads = child->thread_structs = 0;  // its first thread is counted when made
    child->pgid = parent.pgid;
    child->uid = parent.uid, child->euid = parent.euid, child->suid = parent.suid;
    child->gid = parent.gid, child->egid = parent.egid, child->sgid = parent.sgid;
    child->groups = parent.groups;
    child->sid = parent.sid;
    for (int s = 0; s <= kSignalCount; ++s) child->signal_actions[s] = parent.signal_actions[s];
    child->executed = parent.executed;  // the same bytes: program_file and exe_path stay valid
    child->program_file = parent.program_file;
    child->exe_path = parent.exe_path;
    child->load_bias = parent.load_bias;
    child->fs = new (std::nothrow) FsContext(current_fs());
    if (!child->fs) {
        delete child;
        return Errno::ENOMEM;
    }
    if (request.share_memory) {
        child->space = parent.space;
        child->shares_parent_space = true;
    } else {
        auto copied = parent.space->fork_copy();
        if (!copied.ok()) {
            delete child->fs;
            delete child;
            return copied.error();
        }
        child->space = copied.value();
    }
    return child;
}

void discard_process(Process& child) {
    child.fs->fds.close_all();
    if (!child.shares_parent_space) {
        child.space->release_everything();
        delete child.space;
    }
    delete child.fs;
    delete &child;
}

}  // namespace

Result<int> fork_process(const ForkRequest& request) {
    Process& parent = current_process();
    Thread& caller = current_thread();
    Process* child = TRY(copy_process(parent, request));
    Thread* thread = create_thread(*child);
    if (!thread) {
        discard_process(*child);
        return Errno::EAGAIN;
    }
    if (auto cloned = arch_clone_thread(*thread, request.child_stack, false, 0); !cloned.ok()) {
        thread->state = ThreadState::Dead;
        --child->live_threads;
        destroy_thread(*thread);
        discard_process(*child);
        return cloned.error();
    }
    child->pid = thread->tid;  // a process's first thread has tid = pid
    thread->signals.blocked = caller.signals.blocked;
    thread->allowed_cpus = caller.allowed_cpus;
    thread->signals.altstack_sp = caller.signals.altstack_sp;
    thread->signals.altstack_size = caller.signals.altstack_size;
    thread->signals.altstack_flags = caller.signals.altstack_flags;
    thread->set_child_tid = request.child_settid;
    thread->clear_child_tid = request.child_cleartid;
    if (request.parent_settid) (void)write_user(request.parent_settid, static_cast<uint32_t>(child->pid));
    register_process(*child);
    int pid = child->pid;
    if (request.parent_sleeps) child->vfork_parent_waits = true;
    start_thread(*thread);
    if (request.parent_sleeps) {
        // vfork: until the child calls execve or ends. The child may be gone by then.
        wait_until_uninterruptible([pid] {
            Process* c = find_process(pid);
            return !c || !c->vfork_parent_waits;
        }, kNoDeadline);
    }
    return pid;
}

}  // namespace ingot
