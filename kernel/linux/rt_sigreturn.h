// rt_sigreturn(2) restores the whole register state saved in a signal frame, so it is
// implemented by the architecture beside the code that builds the frame.
#pragma once

#include <linux/syscall.h>

namespace ingot {

Result<int64_t> sys_rt_sigreturn(const SyscallArgs&);

}  // namespace ingot
