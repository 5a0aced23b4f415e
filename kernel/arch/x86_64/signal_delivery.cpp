// Running a program's signal handlers: the rt_sigframe that Linux builds on x86-64
// (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h), so libc's sa_restorer
// (__restore_rt: mov $15, %eax; syscall) and rt_sigreturn round-trip the full state.
#include <arch/x86_64/arch_thread.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/signal_delivery.h>
#include <lib/log.h>
#include <linux/rt_sigreturn.h>
#include <mm/user_memory.h>
#include <proc/process.h>
#include <proc/thread.h>

#include <cstring>

namespace ingot {
namespace {

struct Sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved[8];
};
static_assert(sizeof(Sigcontext) == 256);

struct Ucontext {
    uint64_t flags;
    uint64_t link;
    uint64_t stack_sp;
    int32_t stack_flags;
    int32_t stack_pad;
    uint64_t stack_size;
    Sigcontext mcontext;
    uint64_t sigmask;
};
static_assert(sizeof(Ucontext) == 304);

struct Siginfo {
    int32_t signo, errno_value, code, pad;
    uint64_t address;  // si_addr for SIGSEGV/SIGBUS/SIGILL/SIGFPE; si_pid/si_uid for kill
    uint8_t rest[128 - 24];
};
static_assert(sizeof(Siginfo) == 128);

struct RtSigframe {
    uint64_t return_address;  // sa_restorer
    Ucontext uc;
    Siginfo info;
};

constexpr int32_t kSiTkill = -6, kSegvMaperr = 1;
constexpr uint64_t kUserFlagsMask = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000;
constexpr uint64_t kRedZone = 128;

alignas(64) uint8_t fpu_buffer[16384];

// Restores FPU state from fpu_buffer after making it acceptable to XRSTOR/FXRSTOR, which
// fault on reserved bits (Intel SDM Vol. 1 §13.8): the program may have scribbled on it.
void restore_sanitized_fpu() {
    uint32_t mxcsr;
    memcpy(&mxcsr, fpu_buffer + 24, 4);
    mxcsr &= 0xFFFF;
    memcpy(fpu_buffer + 24, &mxcsr, 4);
    if (cpu_features().xsave) {
        uint64_t header[8];
        memcpy(header, fpu_buffer + 512, sizeof(header));
        header[0] &= cpu_features().xcr0;  // XSTATE_BV
        for (int i = 1; i < 8; ++i) header[i] = 0;  // XCOMP_BV (standard form) and reserved
        memcpy(fpu_buffer + 512, header, sizeof(header));
    }
    fpu_restore(fpu_buffer);
}

// Builds the frame for `signal` and points the program at its handler. False when the frame
// cannot be written (the stack is unusable), in which case the signal must kill.
bool setup_frame(TrapFrame& frame, int signal, const Siginfo& info) {
    ThreadSignals& state = current_thread().signals;
    SigAction& action = current_process().signal_actions[signal];
    if (!(action.flags & kSaRestorer) || !action.restorer) {
        log_error("signal %d has a handler but no sa_restorer; cannot return from it", signal);
        return false;
    }
    uint64_t sp = frame.rsp;
    bool on_altstack = state.altstack_size && sp > state.altstack_sp && sp <= state.altstack_sp + state.altstack_size;
    if ((action.flags & kSaOnStack) && state.altstack_size && !on_altstack)
        sp = state.altstack_sp + state.altstack_size;
    else
        sp -= kRedZone;
    uint32_t fpu_size = cpu_features().fpu_state_size;
    if (fpu_size > sizeof(fpu_buffer)) return false;
    uint64_t fpstate = (sp - fpu_size) & ~63ull;
    uint64_t frame_address = ((fpstate - sizeof(RtSigframe)) & ~15ull) - 8;  // rsp+8 aligned, as after a call

    fpu_save(fpu_buffer);
    RtSigframe sigframe{};
    sigframe.return_address = action.restorer;
    sigframe.uc.stack_sp = state.altstack_sp;
    sigframe.uc.stack_flags = state.altstack_size ? (on_altstack ? 1 : 0) : 2;
    sigframe.uc.stack_size = state.altstack_size;
    Sigcontext& mc = sigframe.uc.mcontext;
    mc = {frame.r8, frame.r9, frame.r10, frame.r11, frame.r12, frame.r13, frame.r14, frame.r15,
          frame.rdi, frame.rsi, frame.rbp, frame.rbx, frame.rdx, frame.rax, frame.rcx, frame.rsp,
          frame.rip, frame.rflags, static_cast<uint16_t>(frame.cs), 0, 0, static_cast<uint16_t>(frame.ss),
          frame.error_code, frame.vector == ~0ull ? 0 : frame.vector, 0, info.address, fpstate, {}};
    // After rt_sigsuspend the handler returns to the mask from before the call.
    uint64_t return_mask = state.has_saved_blocked ? state.saved_blocked : state.blocked;
    mc.oldmask = return_mask;
    sigframe.uc.sigmask = return_mask;
    sigframe.info = info;
    if (!copy_to_user(fpstate, fpu_buffer, fpu_size).ok() ||
        !copy_to_user(frame_address, &sigframe, sizeof(sigframe)).ok())
        return false;

    frame.rip = action.handler;
    frame.rsp = frame_address;
    frame.rdi = static_cast<uint64_t>(signal);
    frame.rsi = frame_address + offsetof(RtSigframe, info);
    frame.rdx = frame_address + offsetof(RtSigframe, uc);
    frame.rax = 0;
    frame.rflags &= ~(0x400ull | 0x100ull);  // DF and TF clear in the handler (psABI)
    fpu_reset();  // handlers start with a clean FPU state, as on Linux

    state.blocked |= action.mask;
    if (!(action.flags & kSaNoDefer)) state.blocked |= signal_bit(signal);
    state.blocked &= ~kUnblockable;
    if (action.flags & kSaResetHand) action = SigAction{};
    return true;
}

}  // namespace

void set_current_syscall_frame(TrapFrame* frame) {
    ArchThread& arch = *current_thread().arch;
    arch.syscall_frame = frame;
    arch.syscall_frame_replaced = false;
}

bool syscall_replaced_frame() { return current_thread().arch->syscall_frame_replaced; }

void deliver_fault_signal(TrapFrame& frame, int signal, uint64_t address) {
    ThreadSignals& state = current_thread().signals;
    const SigAction& action = current_process().signal_actions[signal];
    bool catchable = action.handler > kSigIgnore && !(state.blocked & signal_bit(signal));
    Siginfo info{};
    info.signo = signal;
    info.code = kSegvMaperr;
    info.address = address;
    if (catchable && setup_frame(frame, signal, info)) return;
    // Ignoring or blocking a synchronous fault cannot work (the instruction would fault
    // again forever); Linux kills the process then, and so do we.
    terminate_by_signal(signal, address, frame.rip, true);
}

bool deliver_pending_signals(TrapFrame& frame) {
    ThreadSignals& state = current_thread().signals;
    Process& process = current_process();
    while (int signal = next_deliverable_signal()) {
        if (state.pending & signal_bit(signal))
            state.pending &= ~signal_bit(signal);
        else
            process.shared_pending &= ~signal_bit(signal);
        const SigAction& action = process.signal_actions[signal];
        if (action.handler == kSigIgnore) continue;
        if (action.handler == kSigDefault) {
            DefaultAction what = default_action(signal);
            if (what == DefaultAction::Terminate || what == DefaultAction::Core)
                terminate_by_signal(signal, 0, frame.rip, false);
            continue;  // ignore, stop and continue: there is no job control to stop for
        }
        Siginfo info{};
        info.signo = signal;
        info.code = kSiTkill;
        info.address = kProgramPid;  // si_pid, si_uid = 0
        if (!setup_frame(frame, signal, info)) terminate_by_signal(kSigSegv, 0, frame.rip, false);
        state.has_saved_blocked = false;  // the frame carries the mask to return to
        return true;
    }
    if (state.has_saved_blocked) {
        state.blocked = state.saved_blocked;
        state.has_saved_blocked = false;
    }
    return false;
}

Result<int64_t> sys_rt_sigreturn(const SyscallArgs&) {
    ArchThread& arch = *current_thread().arch;
    TrapFrame& frame = *arch.syscall_frame;
    RtSigframe sigframe;
    // The handler returned into sa_restorer, which popped the return address.
    if (!copy_from_user(&sigframe, frame.rsp - 8, sizeof(sigframe)).ok())
        terminate_by_signal(kSigSegv, frame.rsp - 8, frame.rip, true);
    const Sigcontext& mc = sigframe.uc.mcontext;
    frame.r8 = mc.r8; frame.r9 = mc.r9; frame.r10 = mc.r10; frame.r11 = mc.r11;
    frame.r12 = mc.r12; frame.r13 = mc.r13; frame.r14 = mc.r14; frame.r15 = mc.r15;
    frame.rdi = mc.rdi; frame.rsi = mc.rsi; frame.rbp = mc.rbp; frame.rbx = mc.rbx;
    frame.rdx = mc.rdx; frame.rax = mc.rax; frame.rcx = mc.rcx; frame.rsp = mc.rsp;
    frame.rip = mc.rip;
    frame.rflags = (frame.rflags & ~kUserFlagsMask) | (mc.rflags & kUserFlagsMask);
    frame.cs = kUserCode;
    frame.ss = kUserData;
    if (!is_user_range(frame.rip, 1)) terminate_by_signal(kSigSegv, frame.rip, frame.rip, true);
    ThreadSignals& state = current_thread().signals;
    state.blocked = sigframe.uc.sigmask & ~kUnblockable;
    if (mc.fpstate) {
        if (!copy_from_user(fpu_buffer, mc.fpstate, cpu_features().fpu_state_size).ok())
            terminate_by_signal(kSigSegv, mc.fpstate, frame.rip, true);
        restore_sanitized_fpu();
    }
    arch.syscall_frame_replaced = true;
    return static_cast<int64_t>(frame.rax);
}

}  // namespace ingot
