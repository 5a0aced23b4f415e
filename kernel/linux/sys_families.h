// Handlers of the process, memory, time, signal, futex and information families. The file
// family is declared in linux/sys_fs.h. Each takes the raw arguments and returns the value for
// rax or an errno (see linux/syscall.h).
#pragma once

#include <linux/syscall.h>

namespace ingot {

// sys_proc.cpp
Result<int64_t> sys_exit_group(const SyscallArgs&);
Result<int64_t> sys_getpid(const SyscallArgs&);
Result<int64_t> sys_getppid(const SyscallArgs&);
Result<int64_t> sys_arch_prctl(const SyscallArgs&);
Result<int64_t> sys_prlimit64(const SyscallArgs&);
Result<int64_t> sys_getrlimit(const SyscallArgs&);
Result<int64_t> sys_rseq(const SyscallArgs&);

// sys_process.cpp
Result<int64_t> sys_fork(const SyscallArgs&);
Result<int64_t> sys_vfork(const SyscallArgs&);
Result<int64_t> sys_execve(const SyscallArgs&);
Result<int64_t> sys_wait4(const SyscallArgs&);
Result<int64_t> sys_waitid(const SyscallArgs&);
Result<int64_t> sys_setpgid(const SyscallArgs&);
Result<int64_t> sys_getpgid(const SyscallArgs&);
Result<int64_t> sys_getpgrp(const SyscallArgs&);
Result<int64_t> sys_setsid(const SyscallArgs&);
Result<int64_t> sys_getsid(const SyscallArgs&);

// sys_credentials.cpp
Result<int64_t> sys_getuid(const SyscallArgs&);
Result<int64_t> sys_geteuid(const SyscallArgs&);
Result<int64_t> sys_getgid(const SyscallArgs&);
Result<int64_t> sys_getegid(const SyscallArgs&);
Result<int64_t> sys_setuid(const SyscallArgs&);
Result<int64_t> sys_setgid(const SyscallArgs&);
Result<int64_t> sys_setreuid(const SyscallArgs&);
Result<int64_t> sys_setregid(const SyscallArgs&);
Result<int64_t> sys_setresuid(const SyscallArgs&);
Result<int64_t> sys_setresgid(const SyscallArgs&);
Result<int64_t> sys_getresuid(const SyscallArgs&);
Result<int64_t> sys_getresgid(const SyscallArgs&);
Result<int64_t> sys_getgroups(const SyscallArgs&);
Result<int64_t> sys_setgroups(const SyscallArgs&);

// sys_time.cpp: interval timers
Result<int64_t> sys_getitimer(const SyscallArgs&);
Result<int64_t> sys_setitimer(const SyscallArgs&);
Result<int64_t> sys_alarm(const SyscallArgs&);

// sys_thread.cpp
Result<int64_t> sys_clone(const SyscallArgs&);
Result<int64_t> sys_clone3(const SyscallArgs&);
Result<int64_t> sys_exit(const SyscallArgs&);
Result<int64_t> sys_gettid(const SyscallArgs&);
Result<int64_t> sys_set_tid_address(const SyscallArgs&);
Result<int64_t> sys_set_robust_list(const SyscallArgs&);
Result<int64_t> sys_get_robust_list(const SyscallArgs&);
Result<int64_t> sys_prctl(const SyscallArgs&);
Result<int64_t> sys_sched_yield(const SyscallArgs&);
Result<int64_t> sys_sched_getaffinity(const SyscallArgs&);
Result<int64_t> sys_getcpu(const SyscallArgs&);
Result<int64_t> sys_sched_setaffinity(const SyscallArgs&);

// sys_mm.cpp
Result<int64_t> sys_brk(const SyscallArgs&);
Result<int64_t> sys_mmap(const SyscallArgs&);
Result<int64_t> sys_munmap(const SyscallArgs&);
Result<int64_t> sys_mprotect(const SyscallArgs&);
Result<int64_t> sys_mremap(const SyscallArgs&);
Result<int64_t> sys_madvise(const SyscallArgs&);

// sys_time.cpp
Result<int64_t> sys_clock_gettime(const SyscallArgs&);
Result<int64_t> sys_clock_getres(const SyscallArgs&);
Result<int64_t> sys_gettimeofday(const SyscallArgs&);
Result<int64_t> sys_time(const SyscallArgs&);
Result<int64_t> sys_nanosleep(const SyscallArgs&);
Result<int64_t> sys_clock_nanosleep(const SyscallArgs&);
Result<int64_t> sys_getrusage(const SyscallArgs&);
Result<int64_t> sys_times(const SyscallArgs&);

// sys_signal.cpp
Result<int64_t> sys_rt_sigaction(const SyscallArgs&);
Result<int64_t> sys_rt_sigprocmask(const SyscallArgs&);
Result<int64_t> sys_rt_sigpending(const SyscallArgs&);
Result<int64_t> sys_sigaltstack(const SyscallArgs&);
Result<int64_t> sys_kill(const SyscallArgs&);
Result<int64_t> sys_pause(const SyscallArgs&);
Result<int64_t> sys_rt_sigsuspend(const SyscallArgs&);
Result<int64_t> sys_tgkill(const SyscallArgs&);
Result<int64_t> sys_tkill(const SyscallArgs&);

// sys_futex.cpp
Result<int64_t> sys_futex(const SyscallArgs&);

// sys_info.cpp
Result<int64_t> sys_uname(const SyscallArgs&);
Result<int64_t> sys_sysinfo(const SyscallArgs&);
Result<int64_t> sys_getrandom(const SyscallArgs&);

}  // namespace ingot
