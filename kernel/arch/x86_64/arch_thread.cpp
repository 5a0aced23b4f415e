// Threads on x86-64: kernel stacks, the switch between them, and the user state that lives in
// the CPU (FPU/SSE/AVX registers through XSAVE, the FS and GS bases in MSRs). The kernel
// itself never touches the FPU (-mgeneral-regs-only), so the program's FPU state stays in the
// registers while a thread is in the kernel and is saved only when another thread takes over.
#include <arch/x86_64/arch_thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/tsc.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/user_entry.h>
#include <mm/kernel_heap.h>
#include <proc/arch_thread.h>
#include <proc/event_loop.h>
#include <proc/scheduler.h>

#include <cstring>
#include <new>

extern "C" void context_switch(uint64_t* save_rsp, uint64_t new_rsp);
extern "C" void thread_entry_trampoline();
extern "C" void idle_thread_trampoline();

namespace ingot {
namespace {

constexpr size_t kKernelStackSize = 32 * 1024;  // as the boot thread's (linker.ld)
constexpr size_t kCalleeSavedSlots = 6;         // context_switch.S pushes rbp rbx r12-r15

// A kernel stack whose first switch returns into `entry`, with room for a TrapFrame above the
// callee-saved slots that context_switch.S pops (a new thread's frame goes there).
uint64_t* prepare_kernel_stack(ArchThread& arch, void (*entry)()) {
    arch.kernel_stack = kernel_heap_try_allocate(kKernelStackSize, 16);
    if (!arch.kernel_stack) return nullptr;
    arch.kernel_stack_top = reinterpret_cast<uint64_t>(arch.kernel_stack) + kKernelStackSize;
    auto* frame = reinterpret_cast<TrapFrame*>(arch.kernel_stack_top - sizeof(TrapFrame));
    auto* slots = reinterpret_cast<uint64_t*>(frame) - 1 - kCalleeSavedSlots;
    memset(slots, 0, kCalleeSavedSlots * sizeof(uint64_t));
    slots[kCalleeSavedSlots] = reinterpret_cast<uint64_t>(entry);
    arch.saved_rsp = reinterpret_cast<uint64_t>(slots);
    return slots;
}

uint8_t* allocate_fpu_area() {
    auto* area = static_cast<uint8_t*>(kernel_heap_try_allocate(cpu_features().fpu_state_size, 64));
    if (area) memset(area, 0, cpu_features().fpu_state_size);
    return area;
}

}  // namespace

ArchThread* arch_boot_thread() {
    static ArchThread boot;
    if (!boot.kernel_stack_top) boot.kernel_stack_top = kernel_stack_top();
    return &boot;
}

Result<void> arch_clone_thread(Thread& child, uint64_t user_stack, bool set_tls, uint64_t tls) {
    const TrapFrame* parent = current_thread().arch->syscall_frame;
    auto* arch = new (std::nothrow) ArchThread;
    if (!arch) return Errno::ENOMEM;
    bool stack = prepare_kernel_stack(*arch, &thread_entry_trampoline);
    arch->fpu_state = allocate_fpu_area();
    if (!stack || !arch->fpu_state) {
        arch_destroy_thread(arch);
        return Errno::ENOMEM;
    }
    child.arch = arch;

    auto* frame = reinterpret_cast<TrapFrame*>(arch->kernel_stack_top - sizeof(TrapFrame));
    *frame = *parent;
    frame->rax = 0;  // clone returns 0 in the child
    if (user_stack) frame->rsp = user_stack;

    arch->fs_base = set_tls ? tls : x86::rdmsr(x86::kMsrFsBase);
    arch->gs_base = x86::rdmsr(x86::kMsrKernelGsBase);
    fpu_save(arch->fpu_state);  // the child starts with the parent's FPU state, as on Linux
    return {};
}

ArchThread* arch_create_idle_thread() {
    auto* arch = new (std::nothrow) ArchThread;
    if (!arch) return nullptr;
    arch->idle = true;
    if (!prepare_kernel_stack(*arch, &idle_thread_trampoline)) {
        arch_destroy_thread(arch);
        return nullptr;
    }
    return arch;
}

// An idle thread never runs the program, so it has no user state to keep: the program state
// in the CPU when it takes over was saved with the thread that left.
void arch_switch_threads(Thread& from, Thread& to) {
    ArchThread& a = *from.arch;
    ArchThread& b = *to.arch;
    if (!a.idle) {
        if (!a.fpu_state) a.fpu_state = allocate_fpu_area();  // the boot thread's, on its first switch
        if (a.fpu_state) fpu_save(a.fpu_state);
        a.fs_base = x86::rdmsr(x86::kMsrFsBase);
        a.gs_base = x86::rdmsr(x86::kMsrKernelGsBase);
    }
    if (!b.idle) {
        if (b.fpu_state) fpu_restore(b.fpu_state);
        if (a.idle || b.fs_base != a.fs_base) x86::wrmsr(x86::kMsrFsBase, b.fs_base);
        if (a.idle || b.gs_base != a.gs_base) x86::wrmsr(x86::kMsrKernelGsBase, b.gs_base);
    }
    tss_set_kernel_stack(b.kernel_stack_top);
    this_cpu().kernel_stack_top = b.kernel_stack_top;
    context_switch(&a.saved_rsp, b.saved_rsp);
}

[[noreturn]] void arch_enter_thread(Thread& thread) {
    ArchThread& arch = *thread.arch;
    tss_set_kernel_stack(arch.kernel_stack_top);
    this_cpu().kernel_stack_top = arch.kernel_stack_top;
    uint64_t abandoned_rsp = 0;
    context_switch(&abandoned_rsp, arch.saved_rsp);
    __builtin_unreachable();
}

void arch_restart_user_thread(uint64_t rip, uint64_t rsp) {
    ArchThread& arch = *current_thread().arch;
    TrapFrame& frame = *arch.syscall_frame;
    frame = TrapFrame{};
    frame.rip = rip;
    frame.rsp = rsp;
    frame.cs = kUserCode;
    frame.ss = kUserData;
    frame.rflags = 0x202;  // IF and the always-one bit
    frame.vector = ~0ull;
    arch.syscall_frame_replaced = true;  // leave by iretq with every register from the frame
    x86::wrmsr(x86::kMsrFsBase, 0);
    x86::wrmsr(x86::kMsrKernelGsBase, 0);
    fpu_reset();
}

void arch_destroy_thread(ArchThread* arch) {
    if (arch->kernel_stack) kernel_heap_free(arch->kernel_stack);
    if (arch->fpu_state) kernel_heap_free(arch->fpu_state);
    delete arch;
}

// Programming the timer costs a VM exit under KVM, so a timer already armed to fire no later
// than needed is left alone: firing early costs one interrupt, after which it is re-armed.
void arch_set_preemption_timer(uint64_t deadline_ns) {
    if (deadline_ns == kNoDeadline) return;
    uint64_t tsc_deadline = tsc_at_boot() + ns_to_tsc_ticks(deadline_ns);
    uint64_t armed = apic_timer_armed_deadline();
    if (armed == 0 || armed > tsc_deadline) apic_timer_fire_at(tsc_deadline);
}

void prepare_return_to_user() {
    uint64_t deadline = preemption_deadline();
    // A timer that fires early or for nothing costs one interrupt; one that never fires
    // could leave a sleeping thread asleep forever.
    if (deadline != kNoDeadline) arch_set_preemption_timer(deadline);
}

// The first thing a new thread does on its own stack (context_switch.S).
extern "C" void new_thread_enters_user() {
    thread_first_run();
    prepare_return_to_user();
    kernel_lock_release();
}

extern "C" [[noreturn]] void idle_thread_starts() { run_idle_thread(); }

}  // namespace ingot
