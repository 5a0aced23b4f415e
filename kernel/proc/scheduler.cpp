// Round-robin over one run queue that every CPU takes threads from, each thread only on the
// CPUs of its affinity mask; blocked threads sit on one list and the scheduler re-checks their
// waits whenever it runs on any CPU (after polling the event sources) and after system calls
// (wake_waiters_after_call), so no subsystem has to know which thread waits for it. Futex
// waits are ended explicitly by wake_thread(). All of it runs under the kernel lock
// (proc/cpus.h).
//
// A CPU with nothing to run halts in an idle thread of its own, so that the thread that
// blocked is free to run on whichever CPU is first to take it (its stack and address space
// can go too, when it is dead). With one CPU there is nobody else to resume it, so the CPU
// halts on the blocked thread's stack and saves two switches. A thread is "on" a CPU
// (Thread::on_cpu) while that CPU runs it or halts on its stack; no other CPU resumes it then.
// A CPU that wakes threads while it looks for one to run takes the first itself; for the
// others it kicks halted CPUs.
#include <lib/clock.h>
#include <lib/log.h>
#include <lib/panic.h>
#include <proc/arch_thread.h>
#include <proc/cpus.h>
#include <proc/event_loop.h>
#include <proc/futex.h>
#include <proc/process_exit.h>
#include <proc/real_timer.h>
#include <mm/address_space.h>
#include <mm/user_memory.h>
#include <proc/process.h>
#include <proc/scheduler.h>

#include <vector>

namespace ingot {
namespace {

// An intrusive doubly linked FIFO of threads (Thread::queue_next/queue_prev). A thread is on
// at most one queue: the run queue while Runnable, the blocked list while Blocked.
class ThreadQueue {
public:
    bool empty() const { return !head_; }
    Thread* front() const { return head_; }

    void push_back(Thread& t) {
        if (t.queued_on) panic("scheduler: thread %d queued twice", t.tid);
        t.queued_on = this;
        t.queue_next = nullptr;
        t.queue_prev = tail_;
        if (tail_) tail_->queue_next = &t;
        else head_ = &t;
        tail_ = &t;
    }

    void remove(Thread& t) {
        if (t.queued_on != this) panic("scheduler: thread %d removed from a queue it is not on", t.tid);
        t.queued_on = nullptr;
        if (t.queue_prev) t.queue_prev->queue_next = t.queue_next;
        else head_ = t.queue_next;
        if (t.queue_next) t.queue_next->queue_prev = t.queue_prev;
        else tail_ = t.queue_prev;
        t.queue_next = t.queue_prev = nullptr;
    }

    Thread* pop_front() {
        Thread* t = head_;
        if (t) remove(*t);
        return t;
    }

private:
    Thread* head_ = nullptr;
    Thread* tail_ = nullptr;
};

ThreadQueue run_queue;
ThreadQueue blocked;
int blocked_count = 0;
int condition_waiters = 0;     // blocked threads whose wait the scheduler must re-check
int other_thread_waiters = 0;  // those of them that only another thread can end

void add_blocked(Thread& t) {
    blocked.push_back(t);
    ++blocked_count;
    if (t.wait_kind != WaitKind::Futex) ++condition_waiters;
    if (t.wait_kind == WaitKind::OtherThreads) ++other_thread_waiters;
}

void remove_blocked(Thread& t) {
    blocked.remove(t);
    --blocked_count;
    if (t.wait_kind != WaitKind::Futex) --condition_waiters;
    if (t.wait_kind == WaitKind::OtherThreads) --other_thread_waiters;
}

// What the scheduler keeps for each CPU.
struct CpuScheduler {
    Thread* zombie = nullptr;       // a dead thread whose kernel stack was in use until the last switch
    Thread* idle_thread = nullptr;  // runs when the thread the CPU halted for is dead
    uint64_t slice_end_ns = 0;
    bool woken_since_switch = false;  // a thread became runnable: preempt at the next chance
    bool halted = false;              // waiting in idle() for a kick, a deadline or an interrupt
    bool picks_next = false;          // in schedule(), about to take a runnable thread itself
};
CpuScheduler cpu_schedulers[kMaxCpus];

CpuScheduler& this_cpu_scheduler() { return cpu_schedulers[current_cpu()]; }

bool may_run_on(const Thread& t, unsigned cpu) { return (t.allowed_cpus >> cpu) & 1; }

// Finds a CPU to run `t`, among those its affinity allows: the CPU whose stack it is (only
// that one may resume it); this one, when it is about to pick a thread anyway; else a halted
// CPU, which gets kicked; else this CPU switches at its next chance, or when `t` may not run
// here, the first CPU that may run it is kicked to switch (Linux's wake-up preemption).
void find_cpu_for(const Thread& t) {
    unsigned self = current_cpu();
    if (t.on_cpu >= 0 && static_cast<unsigned>(t.on_cpu) != self) {
        cpu_schedulers[t.on_cpu].halted = false;
        kick_cpu(static_cast<unsigned>(t.on_cpu));
        return;
    }
    bool here = may_run_on(t, self);
    if (here && cpu_schedulers[self].picks_next) {
        cpu_schedulers[self].picks_next = false;  // the next runnable thread is for another CPU
        return;
    }
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu) {
        if (cpu == self || !cpu_schedulers[cpu].halted || !may_run_on(t, cpu)) continue;
        cpu_schedulers[cpu].halted = false;  // the next wake-up goes to another halted CPU
        kick_cpu(cpu);
        return;
    }
    if (here) {
        this_cpu_scheduler().woken_since_switch = true;
        return;
    }
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu) {
        if (!may_run_on(t, cpu)) continue;
        cpu_schedulers[cpu].woken_since_switch = true;
        kick_cpu(cpu);
        return;
    }
}

bool is_blocked_in_wait(const Thread& t) { return t.state == ThreadState::Blocked; }

bool wait_is_over(Thread& t, uint64_t now) {
    if (t.wait_deadline <= now) return true;
    if (t.wait_interruptible && next_deliverable_signal(t.signals, process_of(t).shared_pending)) return true;
    return t.wait_kind != WaitKind::Futex && t.wait_ready && (*t.wait_ready)();
}

void make_runnable(Thread& t) {
    t.state = ThreadState::Runnable;
    run_queue.push_back(t);
    find_cpu_for(t);
}

// A thread running the program on another CPU enters the kernel soon (for a signal).
void interrupt_elsewhere(const Thread& t) {
    if (t.on_cpu >= 0 && static_cast<unsigned>(t.on_cpu) != current_cpu()) kick_cpu(static_cast<unsigned>(t.on_cpu));
}

// The first runnable thread this CPU may resume: not one another CPU halted on, nor one whose
// affinity leaves this CPU out.
Thread* pop_runnable() {
    int self = static_cast<int>(current_cpu());
    for (Thread* t = run_queue.front(); t; t = t->queue_next) {
        if ((t->on_cpu < 0 || t->on_cpu == self) && may_run_on(*t, current_cpu())) {
            run_queue.remove(*t);
            return t;
        }
    }
    return nullptr;
}

// Moves every blocked thread whose wait is over to the run queue.
// only_other_threads: only waits that another thread ends (pipes, eventfd, wait4) are looked at.
void wake_ready_threads(uint64_t now, bool only_other_threads = false) {
    for (Thread* t = blocked.front(); t;) {
        Thread* next = t->queue_next;
        if ((!only_other_threads || t->wait_kind == WaitKind::OtherThreads) && wait_is_over(*t, now)) {
            remove_blocked(*t);
            make_runnable(*t);
        }
        t = next;
    }
}

// Polls the event sources and fires due interval timers, then wakes whom that made ready.
void wake_finished_waits() {
    run_event_sources();
    uint64_t now = monotonic_ns();
    fire_real_timers(now);
    wake_ready_threads(now);
}

bool some_cpu_halted() {
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu)
        if (cpu_schedulers[cpu].halted) return true;
    return false;
}

uint64_t earliest_blocked_deadline() {
    uint64_t earliest = kNoDeadline;
    for (Thread* t = blocked.front(); t; t = t->queue_next)
        if (t->wait_deadline < earliest) earliest = t->wait_deadline;
    return earliest;
}

// Nothing but another thread could ever end any blocked thread's wait: none has a deadline,
// and none waits for a condition that the event sources (devices, protocol timers) could
// bring about. With every thread blocked, the program can make no progress.
bool nothing_can_wake() {
    if (blocked_count != live_thread_count()) return false;     // one runs on another CPU
    if (next_real_timer_expiry() != kNoDeadline) return false;  // SIGALRM would end a wait
    for (Thread* t = blocked.front(); t; t = t->queue_next) {
        if (t->wait_deadline != kNoDeadline) return false;
        if (t->wait_kind == WaitKind::Condition && has_event_sources()) return false;
    }
    return true;
}

void reap_zombie() {
    CpuScheduler& cpu = this_cpu_scheduler();
    if (cpu.zombie && cpu.zombie != &current_thread()) {
        destroy_thread(*cpu.zombie);
        cpu.zombie = nullptr;
    }
}

void switch_to(Thread& next) {
    Thread& prev = current_thread();
    CpuScheduler& cpu = this_cpu_scheduler();
    next.state = ThreadState::Running;
    cpu.slice_end_ns = monotonic_ns() + kTimeSliceNs;
    cpu.woken_since_switch = false;
    if (&next == &prev) return;
    set_current_thread(next);
    // The kernel lock is held across the switch, so no other CPU sees prev between here and
    // the moment its registers are saved.
    prev.on_cpu = -1;
    next.on_cpu = static_cast<int>(current_cpu());
    AddressSpace& space = &next == cpu.idle_thread ? kernel_address_space() : *process_of(next).space;
    if (&space != &current_address_space()) space.activate();
    if (prev.state == ThreadState::Runnable) find_cpu_for(prev);  // it may run elsewhere now
    arch_switch_threads(prev, next);
    reap_zombie();  // back on prev's stack
}

Thread& idle_thread() {
    CpuScheduler& cpu = this_cpu_scheduler();
    if (!cpu.idle_thread) cpu.idle_thread = create_idle_thread();
    if (!cpu.idle_thread) panic("out of memory for CPU %u's idle thread", current_cpu());
    return *cpu.idle_thread;
}

// The CPU has nothing to run: the current thread is blocked or dead. Halts until the earliest
// deadline or an interrupt; when nothing can ever happen, the program is deadlocked. Returns
// true when the current thread runs again having been switched away (schedule() is then done).
bool idle() {
    Thread& self = current_thread();
    CpuScheduler& cpu = this_cpu_scheduler();
    if (nothing_can_wake()) {
        if (self.state == ThreadState::Blocked && self.wait_kind != WaitKind::Futex && live_thread_count() == 1) {
            // The only thread waits for something nothing can produce: its call fails (EDEADLK).
            remove_blocked(self);
            make_runnable(self);
            self.wait_deadlocked = true;
            return false;
        }
        log_error("deadlock: all %d threads of the program are blocked and nothing can wake them",
                  live_thread_count());
        exit_program(128 + kSigKill);
    }
    // A dead thread's stack is not for halting on; nor, with other CPUs, a blocked thread's,
    // which would tie the thread to this CPU until it halts no more.
    if (&self != cpu.idle_thread && (self.state == ThreadState::Dead || online_cpus() > 1)) {
        switch_to(idle_thread());
        return true;  // some CPU resumed this thread (never a dead one)
    }
    uint64_t deadline = earliest_blocked_deadline();
    if (uint64_t timer = next_real_timer_expiry(); timer < deadline) deadline = timer;
    uint64_t sources = next_event_deadline();
    if (sources < deadline) deadline = sources;
    cpu.halted = true;
    halt_until(deadline);
    cpu.halted = false;
    return false;
}

// Runs the next runnable thread; returns when the current thread runs again (never when it
// is dead).
void schedule() {
    for (;;) {
        // This CPU takes the first thread the waits now ending make runnable (find_cpu_for).
        CpuScheduler& cpu = this_cpu_scheduler();
        cpu.picks_next = true;
        wake_finished_waits();
        cpu.picks_next = false;
        if (Thread* next = pop_runnable()) {
            switch_to(*next);
            return;
        }
        if (idle()) return;
    }
}

// Takes a thread that is not running off every queue for good.
void retire(Thread& t) {
    if (t.state == ThreadState::Runnable) run_queue.remove(t);
    if (t.state == ThreadState::Blocked) {
        remove_blocked(t);
        futex_forget_thread(t);
    }
    t.state = ThreadState::Dead;
}

}  // namespace

void block_current(WaitKind kind, const FunctionRef<bool()>* ready, uint64_t deadline_ns, bool interruptible) {
    Thread& self = current_thread();
    self.wait_kind = kind;
    self.wait_ready = ready;
    self.wait_deadline = deadline_ns;
    self.wait_interruptible = interruptible;
    self.state = ThreadState::Blocked;
    self.wait_deadlocked = false;
    add_blocked(self);
    schedule();
    self.wait_ready = nullptr;
}

bool current_wait_deadlocked() { return current_thread().wait_deadlocked; }

void wake_thread(Thread& thread) {
    if (!is_blocked_in_wait(thread)) return;
    remove_blocked(thread);
    make_runnable(thread);
}

void wake_for_signal(Thread& thread) {
    if (!next_deliverable_signal(thread.signals, process_of(thread).shared_pending)) return;
    if (is_blocked_in_wait(thread) && thread.wait_interruptible) wake_thread(thread);
    else if (thread.state == ThreadState::Running) interrupt_elsewhere(thread);
}

void start_thread(Thread& thread) { make_runnable(thread); }

void yield_current() {
    Thread& self = current_thread();
    if (run_queue.empty() && may_run_on(self, current_cpu())) return;
    self.state = ThreadState::Runnable;
    run_queue.push_back(self);
    schedule();
}

void set_thread_affinity(Thread& thread, uint64_t cpus) {
    thread.allowed_cpus = cpus;
    if (&thread == &current_thread()) {
        if (!may_run_on(thread, current_cpu())) yield_current();
        return;
    }
    if (thread.state == ThreadState::Running && thread.on_cpu >= 0 && !may_run_on(thread, static_cast<unsigned>(thread.on_cpu)))
        kick_cpu(static_cast<unsigned>(thread.on_cpu));
}

[[noreturn]] void exit_current_thread(int wait_status) {
    Thread& self = current_thread();
    self.state = ThreadState::Dead;
    Process& process = process_of(self);
    if (--process.live_threads == 0) process_ended(process, wait_status);
    reap_zombie();
    if (&self != &main_thread()) this_cpu_scheduler().zombie = &self;  // the boot thread's stack is static
    schedule();
    __builtin_unreachable();
}

void stop_other_threads() {
    Thread& self = current_thread();
    for_each_thread([&self](Thread& t) {
        bool elsewhere = &t != &self && t.on_cpu >= 0;
        retire(t);
        if (elsewhere) kick_cpu(static_cast<unsigned>(t.on_cpu));  // it leaves at its next kernel entry
        if (&t == &self) t.state = ThreadState::Running;
    });
}

void stop_process_threads(Process& process) {
    Thread& self = current_thread();
    std::vector<Thread*> stopped;  // freed after the walk: destroying unlinks from the list walked
    for_each_thread([&](Thread& t) {
        if (&t == &self || &process_of(t) != &process) return;
        if (t.on_cpu >= 0) kick_cpu(static_cast<unsigned>(t.on_cpu));
        retire(t);
        --process.live_threads;
        stopped.push_back(&t);
    });
    // A stopped thread another CPU still runs (in the program, or halted on its stack) keeps
    // its stack and page table in use until that CPU switches away; it does so at its next
    // kernel entry, for which it needs the lock.
    auto still_on_a_cpu = [&stopped] {
        for (Thread* t : stopped)
            if (t->on_cpu >= 0) return true;
        return false;
    };
    while (still_on_a_cpu()) let_other_cpus_in();
    for (Thread* t : stopped)
        if (t != &main_thread()) destroy_thread(*t);
    leave_if_stopped();  // another thread may have ended this one meanwhile (exit_group)
}

void leave_if_stopped() {
    if (current_thread().state != ThreadState::Dead) return;
    schedule();  // never returns: a dead thread is not run again
    __builtin_unreachable();
}

void wake_waiters_after_call() {
    // With a CPU halted, every condition is looked at: a thread it ends runs there at once. With
    // none, only the waits a thread ends (re-checking sockets and epoll sets after every call
    // would cost a busy server more than it gains).
    if (condition_waiters == 0) return;
    bool other_cpu_free = some_cpu_halted();
    if (!other_cpu_free && other_thread_waiters == 0) return;
    CpuScheduler& cpu = this_cpu_scheduler();
    bool woken_before = cpu.woken_since_switch;
    cpu.woken_since_switch = false;
    wake_ready_threads(monotonic_ns(), !other_cpu_free);
    bool left_for_this_cpu = cpu.woken_since_switch;  // find_cpu_for found no other CPU for it
    cpu.woken_since_switch = woken_before || left_for_this_cpu;
    if (!left_for_this_cpu) return;
    // Wake-up preemption, as Linux's scheduler does for a thread that was waiting: the caller
    // goes to the back of the run queue and the woken thread runs now, not at the end of the slice.
    Thread& self = current_thread();
    self.state = ThreadState::Runnable;
    run_queue.push_back(self);
    schedule();
}

void preempt_on_interrupt() {
    fire_real_timers(monotonic_ns());
    Thread& self = current_thread();
    bool moved_away = !may_run_on(self, current_cpu());  // its affinity changed meanwhile
    if (blocked.empty() && run_queue.empty() && !moved_away) return;  // one thread running alone
    wake_finished_waits();
    if (run_queue.empty() && !moved_away) return;
    CpuScheduler& cpu = this_cpu_scheduler();
    if (!moved_away && !cpu.woken_since_switch && monotonic_ns() < cpu.slice_end_ns) return;
    self.state = ThreadState::Runnable;
    run_queue.push_back(self);
    schedule();
}

uint64_t preemption_deadline() {
    uint64_t timer = next_real_timer_expiry();
    if (blocked.empty() && run_queue.empty()) return timer;
    uint64_t deadline = earliest_blocked_deadline();
    // Others waiting to run need the end of the slice; so do conditions to re-check, which
    // the running thread may have made true without blocking (a loopback packet, a pipe
    // write). A thread past its slice with none of that pending simply gets a new one.
    if (!run_queue.empty() || condition_waiters > 0) {
        CpuScheduler& cpu = this_cpu_scheduler();
        uint64_t now = monotonic_ns();
        if (cpu.slice_end_ns <= now && run_queue.empty()) cpu.slice_end_ns = now + kTimeSliceNs;
        if (cpu.slice_end_ns < deadline) deadline = cpu.slice_end_ns;
    }
    if (timer < deadline) deadline = timer;
    // Event sources (network timers) can end only condition waits; futex waiters are woken by
    // the program itself, and the running thread meets the sources at its next system call,
    // as a thread running alone does. Asked after every call, so skipped when nobody needs it.
    if (condition_waiters == 0) return deadline;
    uint64_t sources = next_event_deadline();
    return sources < deadline ? sources : deadline;
}

[[noreturn]] void run_idle_thread() {
    reap_zombie();
    for (;;) schedule();
}

[[noreturn]] void start_scheduling_on_this_cpu() {
    Thread& idle = idle_thread();
    set_current_thread(idle);
    idle.on_cpu = static_cast<int>(current_cpu());
    arch_enter_thread(idle);
}

void thread_first_run() {
    reap_zombie();
    Thread& self = current_thread();
    if (self.set_child_tid) {
        (void)write_user(self.set_child_tid, static_cast<uint32_t>(self.tid));  // a bad address is ignored, as on Linux
        self.set_child_tid = 0;
    }
}

}  // namespace ingot
