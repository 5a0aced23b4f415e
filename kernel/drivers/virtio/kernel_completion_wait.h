// The kernel's CompletionWait. With the device's interrupt routed, the caller blocks through
// the scheduler (other threads run; the CPU halts until the interrupt when none can). A polled
// device is busy-waited, as it would never wake a halted CPU.
#pragma once

#include <drivers/virtio/completion_wait.h>

namespace ingot::virtio {

class KernelCompletionWait final : public CompletionWait {
public:
    void set_interrupts(bool routed) { interrupts_ = routed; }
    bool wait(FunctionRef<bool()> done, uint64_t timeout_ns) override;

private:
    bool interrupts_ = false;
};

}  // namespace ingot::virtio
