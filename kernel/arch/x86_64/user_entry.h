#pragma once

#include <proc/program_start.h>

#include <cstdint>

namespace ingot {

// Leaves the kernel for the program's first instruction, in ring 3, with every general
// register zeroed (psABI §3.4.1 leaves them unspecified except rsp and rdx = 0: no atexit).
[[noreturn]] void enter_user_mode(const UserEntry& entry);

// Top of the kernel stack that syscalls and interrupts from ring 3 run on.
uint64_t kernel_stack_top();

}  // namespace ingot
