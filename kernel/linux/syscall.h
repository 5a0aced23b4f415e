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

struct SyscallEntry {
    const char* name = nullptr;        // nullptr: an unknown number
    SyscallHandler handler = nullptr;  // nullptr: known by name, not implemented (-ENOSYS, logged once)
};

// Runs system call args.nr and returns what the program sees in rax.
int64_t dispatch_syscall(const SyscallArgs& args);

// The table's entry for syscall number nr; an unknown number gives an entry without a name.
SyscallEntry syscall_entry(uint64_t nr);

}  // namespace ingot
