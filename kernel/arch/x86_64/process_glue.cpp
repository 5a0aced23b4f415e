// The architecture's side of the process: system-call entry into the dispatcher, the
// program's FS/GS bases, exiting, random bytes and the auxv CPU facts.
#include <arch/x86_64/arch_thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/host_channels.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/signal_delivery.h>
#include <arch/x86_64/trap_frame.h>
#include <features/feature_hooks.h>
#include <lib/random.h>
#include <linux/syscall.h>
#include <proc/cpu_info.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/user_registers.h>

#include <cstring>

namespace ingot {

// The kernel lock is held from here until the return to the program (kernel_lock.h).
extern "C" bool syscall_from_user(TrapFrame* frame) {
    kernel_lock_acquire();
    leave_if_stopped();
    set_current_syscall_frame(frame);
    SyscallArgs args{frame->rax, {frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9}};
    int64_t result = dispatch_syscall(args);
    wake_waiters_after_call();
    bool full_restore = syscall_replaced_frame();
    if (!full_restore) frame->rax = static_cast<uint64_t>(result);
    if (deliver_pending_signals(*frame)) full_restore = true;
    prepare_return_to_user();
    kernel_lock_release();
    return full_restore;
}

void set_user_fs_base(uint64_t base) { x86::wrmsr(x86::kMsrFsBase, base); }
uint64_t user_fs_base() { return x86::rdmsr(x86::kMsrFsBase); }
// While the kernel runs, the program's GS base waits in KERNEL_GS_BASE (swapgs on entry).
void set_user_gs_base(uint64_t base) { x86::wrmsr(x86::kMsrKernelGsBase, base); }
uint64_t user_gs_base() { return x86::rdmsr(x86::kMsrKernelGsBase); }

// Other threads stop first, as at exit_group(2). Closing every descriptor sends the FIN of
// each open connection; the network then gets up to two seconds to deliver what the program
// wrote before the machine goes away.
[[noreturn]] void exit_program(int shell_status) {
    stop_other_threads();
    finish_image_networking();
    // Disk file systems are written back and marked clean before the host sees the status.
    unmount_image_disks();
    host_exit(shell_status);
}

// RDRAND (Intel SDM Vol. 1 §7.3.17) when the CPU has it; it may transiently fail, so retry.
// Without it the TSC's low bits, mixed, are all there is: weak, and said so at boot.
void fill_random(void* dst, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    uint64_t fallback_state = x86::rdtsc() * 0x9E3779B97F4A7C15ull;
    while (len > 0) {
        uint64_t value = 0;
        bool ok = false;
        if (cpu_features().rdrand) {
            for (int tries = 0; tries < 10 && !ok; ++tries)
                asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
        }
        if (!ok) {
            fallback_state ^= x86::rdtsc();
            fallback_state ^= fallback_state << 13;
            fallback_state ^= fallback_state >> 7;
            fallback_state ^= fallback_state << 17;
            value = fallback_state;
        }
        size_t n = len < sizeof(value) ? len : sizeof(value);
        memcpy(out, &value, n);
        out += n;
        len -= n;
    }
}

uint64_t cpu_hwcap() { return x86::cpuid(1).edx; }
uint64_t cpu_hwcap2() { return 0; }  // HWCAP2_FSGSBASE stays clear: FSGSBASE is not enabled
uint64_t signal_stack_min_size() { return cpu_features().fpu_state_size + 1024; }

}  // namespace ingot
