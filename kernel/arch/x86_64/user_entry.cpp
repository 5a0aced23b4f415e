#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/trap_frame.h>
#include <arch/x86_64/user_entry.h>

#include <cstring>

extern "C" void trap_return();

extern "C" uint8_t kernel_stack_end[];  // linker.ld: 32 KiB above an unmapped guard page

namespace ingot {
namespace {
constexpr uint64_t kUserFlags = 0x202;  // IF, and the always-one bit 1
}  // namespace

uint64_t kernel_stack_top() { return reinterpret_cast<uint64_t>(kernel_stack_end); }

[[noreturn]] void enter_user_mode(const UserEntry& entry) {
    uint64_t top = kernel_stack_top();
    tss_set_kernel_stack(top);
    this_cpu().kernel_stack_top = top;

    // Build a TrapFrame at the top of the kernel stack and leave through the common return
    // path, which swaps GS and executes iretq.
    auto* frame = reinterpret_cast<TrapFrame*>(top - sizeof(TrapFrame));
    memset(frame, 0, sizeof(*frame));
    frame->rip = entry.rip;
    frame->cs = kUserCode;
    frame->rflags = kUserFlags;
    frame->rsp = entry.rsp;
    frame->ss = kUserData;
    kernel_lock_release();
    asm volatile("mov %0, %%rsp\n"
                 "jmp trap_return" ::"r"(frame)
                 : "memory");
    __builtin_unreachable();
}

}  // namespace ingot
