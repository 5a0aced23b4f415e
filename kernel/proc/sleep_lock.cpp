#include <lib/panic.h>
#include <proc/event_loop.h>
#include <proc/sleep_lock.h>
#include <proc/thread.h>

namespace ingot {

uint32_t SleepLock::lock() {
    Thread* self = &current_thread();
    if (owner_ != self) {
        // Every waiter that sees the lock free resumes; the first to run takes it and the
        // others wait again. The kernel lock makes the test and the take one step.
        while (owner_) wait_until_uninterruptible([this] { return owner_ == nullptr; }, kNoDeadline);
        owner_ = self;
    }
    return ++depth_;
}

uint32_t SleepLock::unlock() {
    if (owner_ != &current_thread() || depth_ == 0) panic("SleepLock released by a thread that does not hold it");
    if (--depth_ == 0) owner_ = nullptr;
    return depth_;
}

bool SleepLock::held_by_current_thread() const { return owner_ == &current_thread(); }

}  // namespace ingot
