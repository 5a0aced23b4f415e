// Round-robin over one run queue; blocked threads sit on one list and the scheduler re-checks
// their waits whenever it runs (after polling the event sources), so no subsystem has to know
// which thread waits for it. Futex waits are ended explicitly by wake_thread().
#include <lib/clock.h>
#include <lib/log.h>
#include <lib/panic.h>
#include <proc/arch_thread.h>
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
int condition_waiters = 0;  // blocked threads whose wait the scheduler must re-check

void add_blocked(Thread& t) {
    blocked.push_back(t);
    if (t.wait_kind != WaitKind::Futex) ++condition_waiters;
}

void remove_blocked(Thread& t) {
    blocked.remove(t);
    if (t.wait_kind != WaitKind::Futex) --condition_waiters;
}
Thread* zombie = nullptr;  // a dead thread whose kernel stack was in use until the last switch
uint64_t slice_end_ns = 0;
bool woken_since_switch = false;  // a thread became runnable: preempt at the next chance
bool deadlocked = false;

bool is_blocked_in_wait(const Thread& t) { return t.state == ThreadState::Blocked; }

bool wait_is_over(Thread& t, uint64_t now) {
    if (t.wait_deadline <= now) return true;
    if (t.wait_interruptible && next_deliverable_signal(t.signals, process_of(t).shared_pending)) return true;
    return t.wait_kind != WaitKind::Futex && t.wait_ready && (*t.wait_ready)();
}

void make_runnable(Thread& t) {
    t.state = ThreadState::Runnable;
    run_queue.push_back(t);
    woken_since_switch = true;
}

// Polls the event sources and fires due interval timers, then moves every blocked thread whose
// wait is over to the run queue.
void wake_finished_waits() {
    run_event_sources();
    uint64_t now = monotonic_ns();
    fire_real_timers(now);
    for (Thread* t = blocked.front(); t;) {
        Thread* next = t->queue_next;
        if (wait_is_over(*t, now)) {
            remove_blocked(*t);
            make_runnable(*t);
        }
        t = next;
    }
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
    if (next_real_timer_expiry() != kNoDeadline) return false;  // SIGALRM would end a wait
    for (Thread* t = blocked.front(); t; t = t->queue_next) {
        if (t->wait_deadline != kNoDeadline) return false;
        if (t->wait_kind == WaitKind::Condition && has_event_sources()) return false;
    }
    return true;
}

void reap_zombie() {
    if (zombie && zombie != &current_thread()) {
        destroy_thread(*zombie);
        zombie = nullptr;
    }
}

void switch_to(Thread& next) {
    Thread& prev = current_thread();
    next.state = ThreadState::Running;
    slice_end_ns = monotonic_ns() + kTimeSliceNs;
    woken_since_switch = false;
    if (&next == &prev) return;
    set_current_thread(next);
    AddressSpace& space = *process_of(next).space;
    if (&space != &current_address_space()) space.activate();
    arch_switch_threads(prev, next);
    reap_zombie();  // back on prev's stack
}

// The CPU has nothing to run: the current thread is blocked or dead. Halts until the earliest
// deadline or an interrupt; when nothing can ever happen, the program is deadlocked.
void idle() {
    uint64_t deadline = earliest_blocked_deadline();
    if (uint64_t timer = next_real_timer_expiry(); timer < deadline) deadline = timer;
    uint64_t sources = next_event_deadline();
    if (sources < deadline) deadline = sources;
    if (nothing_can_wake()) {
        Thread& self = current_thread();
        if (self.state == ThreadState::Blocked && self.wait_kind != WaitKind::Futex && live_thread_count() == 1) {
            // The only thread waits for something nothing can produce: its call fails (EDEADLK).
            remove_blocked(self);
            make_runnable(self);
            deadlocked = true;
            return;
        }
        log_error("deadlock: all %d threads of the program are blocked and nothing can wake them",
                  live_thread_count());
        exit_program(128 + kSigKill);
    }
    halt_until(deadline);
}

// Runs the next runnable thread; returns when the current thread runs again (never when it
// is dead).
void schedule() {
    for (;;) {
        wake_finished_waits();
        if (Thread* next = run_queue.pop_front()) {
            switch_to(*next);
            return;
        }
        idle();
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
    deadlocked = false;
    add_blocked(self);
    schedule();
    self.wait_ready = nullptr;
}

bool current_wait_deadlocked() { return deadlocked; }

void wake_thread(Thread& thread) {
    if (!is_blocked_in_wait(thread)) return;
    remove_blocked(thread);
    make_runnable(thread);
}

void wake_for_signal(Thread& thread) {
    if (is_blocked_in_wait(thread) && thread.wait_interruptible &&
        next_deliverable_signal(thread.signals, process_of(thread).shared_pending))
        wake_thread(thread);
}

void start_thread(Thread& thread) { make_runnable(thread); }

void yield_current() {
    Thread& self = current_thread();
    if (run_queue.empty()) return;
    self.state = ThreadState::Runnable;
    run_queue.push_back(self);
    schedule();
}

[[noreturn]] void exit_current_thread(int wait_status) {
    Thread& self = current_thread();
    self.state = ThreadState::Dead;
    Process& process = process_of(self);
    if (--process.live_threads == 0) process_ended(process, wait_status);
    reap_zombie();
    if (&self != &main_thread()) zombie = &self;  // the boot thread's stack is static
    schedule();
    __builtin_unreachable();
}

void stop_other_threads() {
    Thread& self = current_thread();
    for_each_thread([&self](Thread& t) {
        retire(t);
        if (&t == &self) t.state = ThreadState::Running;
    });
}

void stop_process_threads(Process& process) {
    Thread& self = current_thread();
    std::vector<Thread*> stopped;  // freed after the walk: destroying unlinks from the list walked
    for_each_thread([&](Thread& t) {
        if (&t == &self || &process_of(t) != &process) return;
        retire(t);
        --process.live_threads;
        stopped.push_back(&t);
    });
    for (Thread* t : stopped)
        if (t != &main_thread()) destroy_thread(*t);
}

void preempt_on_interrupt() {
    fire_real_timers(monotonic_ns());
    if (blocked.empty() && run_queue.empty()) return;  // one thread running alone
    wake_finished_waits();
    if (run_queue.empty()) return;
    if (!woken_since_switch && monotonic_ns() < slice_end_ns) return;
    Thread& self = current_thread();
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
        uint64_t now = monotonic_ns();
        if (slice_end_ns <= now && run_queue.empty()) slice_end_ns = now + kTimeSliceNs;
        if (slice_end_ns < deadline) deadline = slice_end_ns;
    }
    if (timer < deadline) deadline = timer;
    // Event sources (network timers) can end only condition waits; futex waiters are woken by
    // the program itself, and the running thread meets the sources at its next system call,
    // as a thread running alone does. Asked after every call, so skipped when nobody needs it.
    if (condition_waiters == 0) return deadline;
    uint64_t sources = next_event_deadline();
    return sources < deadline ? sources : deadline;
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
