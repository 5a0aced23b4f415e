// The x86-64 part of a thread (proc/arch_thread.h): where its kernel stack is, the kernel
// stack pointer while it is switched out, and the user state the CPU holds only while it runs.
#pragma once

#include <arch/x86_64/trap_frame.h>

#include <cstdint>

namespace ingot {

struct ArchThread {
    uint64_t saved_rsp = 0;         // kernel rsp while switched out (context_switch.S)
    uint64_t kernel_stack_top = 0;  // loaded into TSS.RSP0 and the per-CPU block on switch
    void* kernel_stack = nullptr;   // heap block; nullptr for the boot thread (linker.ld)
    uint8_t* fpu_state = nullptr;   // XSAVE (or FXSAVE) area, 64-byte aligned
    uint64_t fs_base = 0;           // the program's FS and GS bases while switched out
    uint64_t gs_base = 0;
    // The frame of the system call this thread is in (for rt_sigreturn and clone), and
    // whether that call replaced the registers wholesale (return by iretq).
    TrapFrame* syscall_frame = nullptr;
    bool syscall_frame_replaced = false;
    bool idle = false;  // a CPU's idle thread: kernel only, no program state
};


// Before every return to ring 3: arms the timer for the scheduler's next deadline.
void prepare_return_to_user();

}  // namespace ingot
