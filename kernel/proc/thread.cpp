#include <proc/arch_thread.h>
#include <proc/cpus.h>
#include <proc/process.h>
#include <proc/thread.h>

#include <new>

namespace ingot {
namespace {

// Linux's default pid_max is 32768 for small machines; tids count up and wrap below it,
// skipping any still in use.
constexpr int kMaxTid = 32767;

Thread& boot_thread() {
    static Thread thread = [] {
        Thread t;
        t.tid = kProgramPid;
        t.state = ThreadState::Running;
        t.on_cpu = 0;  // it runs on the boot CPU from the start
        return t;
    }();
    if (!thread.arch) thread.arch = arch_boot_thread();
    return thread;
}

Thread* running[kMaxCpus] = {};
Thread* all_threads = nullptr;  // every thread but the boot thread, newest first
int next_tid = kProgramPid + 1;

}  // namespace

Thread& main_thread() { return boot_thread(); }
Thread& current_thread() {
    Thread* thread = running[current_cpu()];
    return thread ? *thread : boot_thread();
}
void set_current_thread(Thread& thread) { running[current_cpu()] = &thread; }

Thread* create_idle_thread() {
    auto* thread = new (std::nothrow) Thread;
    if (!thread) return nullptr;
    thread->arch = arch_create_idle_thread();
    if (!thread->arch) {
        delete thread;
        return nullptr;
    }
    thread->state = ThreadState::Running;  // it is never queued, so never Runnable
    return thread;
}

Thread* find_thread(int tid) {
    Thread& main = boot_thread();
    if (tid == main.tid) return main.state == ThreadState::Dead ? nullptr : &main;
    for (Thread* t = all_threads; t; t = t->all_next)
        if (t->tid == tid && t->state != ThreadState::Dead) return t;
    return nullptr;
}

int live_thread_count() {
    int count = boot_thread().state == ThreadState::Dead ? 0 : 1;
    for (Thread* t = all_threads; t; t = t->all_next)
        if (t->state != ThreadState::Dead) ++count;
    return count;
}

void for_each_thread(FunctionRef<void(Thread&)> fn) {
    Thread& main = boot_thread();
    if (main.state != ThreadState::Dead) fn(main);
    for (Thread* t = all_threads; t; t = t->all_next)
        if (t->state != ThreadState::Dead) fn(*t);
}

Thread* create_thread(Process& process) {
    int tid = 0;
    for (int tries = 0; tries < kMaxTid && !tid; ++tries) {
        int candidate = next_tid;
        next_tid = next_tid >= kMaxTid ? kProgramPid + 1 : next_tid + 1;
        bool in_use = candidate == kProgramPid;
        for (Thread* t = all_threads; t && !in_use; t = t->all_next) in_use = t->tid == candidate;
        if (!in_use) tid = candidate;
    }
    if (!tid) return nullptr;
    auto* thread = new (std::nothrow) Thread;
    if (!thread) return nullptr;
    thread->tid = tid;
    thread->process = &process;
    ++process.live_threads;
    ++process.thread_structs;
    thread->all_next = all_threads;
    all_threads = thread;
    return thread;
}

Process& process_of(const Thread& thread) { return thread.process ? *thread.process : initial_process(); }

void destroy_thread(Thread& thread) {
    Process& process = process_of(thread);
    for (Thread** link = &all_threads; *link; link = &(*link)->all_next) {
        if (*link == &thread) {
            *link = thread.all_next;
            break;
        }
    }
    if (thread.arch) arch_destroy_thread(thread.arch);
    delete &thread;
    --process.thread_structs;
    release_process_if_done(process);
}

}  // namespace ingot
