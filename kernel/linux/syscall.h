// The Linux system-call interface: one table (syscall_table.cpp) maps numbers to handlers,
// one dispatcher turns Result errors into -errno. Handlers live one file per family
// (sys_fs.cpp, sys_mm.cpp, sys_time.cpp, sys_proc.cpp, sys_signal.cpp, sys_info.cpp).
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

struct SyscallArgs {
    uint64_t nr;
    uint64_t a[6];  // rdi, rsi, rdx, r10, r8, r9 (x86-64 Linux calling convention)
};

using SyscallHandler = Result<int64_t> (*)(const SyscallArgs&);

// Runs system call args.nr and returns what the program sees in rax.
int64_t dispatch_syscall(const SyscallArgs& args);

// The handler of system call nr; nullptr for an unknown number and for one known by name only
// (-ENOSYS, logged once).
SyscallHandler syscall_handler(uint64_t nr);

// The Linux name of system call nr; nullptr for an unknown number. For messages: it walks the
// table of names.
const char* syscall_name(uint64_t nr);

}  // namespace ingot
