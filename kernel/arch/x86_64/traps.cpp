// What happens on each interrupt and exception: the timer, demand paging, and faults, which
// become signals for the program (Linux's mapping, arch/x86/kernel/traps.c) or a panic with a
// register dump for the kernel.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/arch_thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/tlb_shootdown.h>
#include <arch/x86_64/signal_delivery.h>
#include <arch/x86_64/trap_frame.h>
#include <lib/panic.h>
#include <mm/address_space.h>
#include <lib/log.h>
#include <proc/process_exit.h>
#include <proc/scheduler.h>
#include <proc/signals.h>

namespace ingot {
namespace {

struct ExceptionTableEntry {
    uint64_t instruction;
    uint64_t fixup;
};
extern "C" const ExceptionTableEntry __ex_table_start[], __ex_table_end[];

// Page-fault error code bits (Intel SDM Vol. 3A §4.7).
constexpr uint64_t kPfWrite = 1 << 1, kPfUser = 1 << 2, kPfInstruction = 1 << 4;

bool apply_fixup(TrapFrame& frame) {
    for (auto* entry = __ex_table_start; entry < __ex_table_end; ++entry) {
        if (entry->instruction == frame.rip) {
            frame.rip = entry->fixup;
            return true;
        }
    }
    return false;
}

[[noreturn]] void kernel_fault(const TrapFrame& f, const char* what, uint64_t address) {
    panic("%s in the kernel at rip %lx (address %lx, error %lx)\n"
          "  rax %lx rbx %lx rcx %lx rdx %lx rsi %lx rdi %lx\n"
          "  rbp %lx rsp %lx r8 %lx r9 %lx r10 %lx r11 %lx\n"
          "  r12 %lx r13 %lx r14 %lx r15 %lx rflags %lx",
          what, f.rip, address, f.error_code, f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.rsp,
          f.r8, f.r9, f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rflags);
}

void page_fault(TrapFrame& frame) {
    uint64_t address = x86::read_cr2();
    Access access = (frame.error_code & kPfInstruction) ? Access::Execute
                    : (frame.error_code & kPfWrite)     ? Access::Write
                                                         : Access::Read;
    Result<void> handled = handle_page_fault(address, access);
    if (handled.ok()) return;
    if (frame.from_user() && handled.error() == Errno::ENOMEM) {
        // As Linux's out-of-memory killer would: SIGKILL, not a segmentation fault.
        log_error("out of memory: no page left for address 0x%lx (give the machine more with --mem)", address);
        exit_process(killed_status(kSigKill));
    }
    if (frame.from_user()) {
        deliver_fault_signal(frame, kSigSegv, address);
        return;
    }
    // A kernel access to a bad user pointer inside user_copy.S becomes EFAULT.
    if (!(frame.error_code & kPfUser) && apply_fixup(frame)) return;
    kernel_fault(frame, "page fault", address);
}

struct DeviceInterrupt {
    void (*handler)(void* context);
    void* context;
};
DeviceInterrupt device_interrupts[kLastDeviceVector - kFirstDeviceVector + 1];

int signal_for_exception(uint64_t vector) {
    switch (vector) {
    case kVectorDivideError:
    case kVectorX87Fpu:
    case kVectorSimd: return kSigFpe;
    case kVectorDebug:
    case kVectorBreakpoint: return kSigTrap;
    case kVectorInvalidOpcode: return kSigIll;
    case kVectorAlignmentCheck: return kSigBus;
    default: return kSigSegv;  // #GP, #SS, #NP, bound range, overflow: Linux sends SIGSEGV
    }
}

// An interrupt that arrived while the program ran is a chance to schedule: another thread's
// slice or wait may be over. Pending signals are delivered on the way back, as after a call.
void interrupted_program(TrapFrame& frame) {
    if (!frame.from_user()) return;
    preempt_on_interrupt();
    deliver_pending_signals(frame);
    prepare_return_to_user();
}

void dispatch(TrapFrame& frame);

}  // namespace

void register_interrupt_handler(uint8_t vector, void (*handler)(void* context), void* context) {
    if (vector < kFirstDeviceVector || vector > kLastDeviceVector) panic("interrupt vector %u is not a device vector", vector);
    device_interrupts[vector - kFirstDeviceVector] = {handler, context};
}

// The kernel lock (kernel_lock.h) is taken on every entry from the program and given back on
// the way out. In the kernel, interrupts arrive only while a CPU halts without the lock
// (halt_until): a device's handler takes it; the timer and a kick just end the halt. A fault in
// the kernel (a bad user pointer) happens with the lock held.
extern "C" void trap_dispatch(TrapFrame* frame) {
    uint64_t vector = frame->vector;
    if (vector == kVectorTlbFlush) {  // answered at once, lock or not: its sender waits for it
        answer_tlb_shootdown();
        apic_end_of_interrupt();
        return;
    }
    // A kick ends its service before the lock is waited for: while a vector of its priority
    // class is in service, the kick that ends a halted wait for the lock could not arrive.
    if (vector == kVectorKick) apic_end_of_interrupt();
    if (!frame->from_user()) {
        bool device = vector >= kFirstDeviceVector && vector <= kLastDeviceVector;
        if (device) kernel_lock_acquire();
        dispatch(*frame);
        if (device) kernel_lock_release();
        return;
    }
    kernel_lock_acquire();
    leave_if_stopped();
    dispatch(*frame);
    kernel_lock_release();
}

namespace {

void dispatch(TrapFrame& trap) {
    TrapFrame* frame = &trap;
    uint64_t vector = frame->vector;
    if (vector == kVectorTimer) {
        apic_timer_fired();
        apic_end_of_interrupt();
        interrupted_program(*frame);
        return;
    }
    if (vector == kVectorKick) {
        interrupted_program(*frame);
        return;
    }
    if (vector >= kFirstDeviceVector && vector <= kLastDeviceVector && device_interrupts[vector - kFirstDeviceVector].handler) {
        DeviceInterrupt& device = device_interrupts[vector - kFirstDeviceVector];
        device.handler(device.context);
        apic_end_of_interrupt();
        interrupted_program(*frame);
        return;
    }
    if (vector == kVectorSpurious || (vector >= 0xE0 && vector <= 0xEF)) return;  // APIC or legacy PIC noise
    if (vector == kVectorPageFault) {
        page_fault(*frame);
        return;
    }
    if (vector < 32 && frame->from_user()) {
        deliver_fault_signal(*frame, signal_for_exception(vector), frame->rip);
        return;
    }
    kernel_fault(*frame, vector < 32 ? "exception" : "unexpected interrupt", vector);
}

}  // namespace

}  // namespace ingot
