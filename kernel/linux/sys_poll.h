// Readiness and wake-up system calls (sys_poll.cpp, sys_epoll.cpp).
#pragma once

#include <linux/syscall.h>

namespace ingot {

Result<int64_t> sys_poll(const SyscallArgs&);
Result<int64_t> sys_ppoll(const SyscallArgs&);
Result<int64_t> sys_select(const SyscallArgs&);
Result<int64_t> sys_pselect6(const SyscallArgs&);
Result<int64_t> sys_eventfd(const SyscallArgs&);
Result<int64_t> sys_eventfd2(const SyscallArgs&);
Result<int64_t> sys_epoll_create(const SyscallArgs&);
Result<int64_t> sys_epoll_create1(const SyscallArgs&);
Result<int64_t> sys_epoll_ctl(const SyscallArgs&);
Result<int64_t> sys_epoll_wait(const SyscallArgs&);
Result<int64_t> sys_epoll_pwait(const SyscallArgs&);

}  // namespace ingot
