#include <drivers/virtio/kernel_completion_wait.h>
#include <lib/clock.h>
#include <proc/event_loop.h>

namespace ingot::virtio {

bool KernelCompletionWait::wait(FunctionRef<bool()> done, uint64_t timeout_ns) {
    if (done()) return true;
    uint64_t deadline = monotonic_ns() + timeout_ns;
    if (interrupts_) return wait_until_uninterruptible(done, deadline);
    while (!done()) {
        if (monotonic_ns() >= deadline) return false;
        __builtin_ia32_pause();
    }
    return true;
}

}  // namespace ingot::virtio
