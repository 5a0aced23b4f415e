// How a driver waits for its device to finish a request. The kernel blocks the calling thread
// through the scheduler (other threads run while the disk works, and the CPU halts until the
// device's interrupt when none can); host tests run the fake device instead.
#pragma once

#include <lib/function_ref.h>

#include <cstdint>

namespace ingot::virtio {

class CompletionWait {
public:
    // Returns true once done() holds, false when timeout_ns pass first. done() must have no
    // side effects: it may be evaluated while another thread is current.
    virtual bool wait(FunctionRef<bool()> done, uint64_t timeout_ns) = 0;

protected:
    ~CompletionWait() = default;
};

}  // namespace ingot::virtio
