#include "fakes/fake_threads.h"

#include "fakes/fake_cpu.h"

#include <linux/syscall.h>
#include <proc/arch_thread.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

#include <ucontext.h>

#include <memory>
#include <utility>
#include <vector>

namespace ingot {

struct ArchThread {
    ucontext_t context{};
    std::vector<char> stack;
    std::function<int()> body;
};

namespace {

constexpr size_t kHostStackSize = 256 * 1024;
std::function<int()> next_body;
int pending_exit_status = -1;  // an exit_program() from another thread, for the boot thread

void throw_pending_exit() {
    if (pending_exit_status < 0 || &current_thread() != &main_thread()) return;
    int status = pending_exit_status;
    pending_exit_status = -1;
    stop_other_threads();  // as exit_program does; also unqueues this thread's futex waiter
    throw fake_cpu::ProgramExit{status};
}

void run_body(unsigned high, unsigned low) {
    auto* arch = reinterpret_cast<ArchThread*>((static_cast<uintptr_t>(high) << 32) | low);
    thread_first_run();
    int status = arch->body();
    constexpr uint64_t kExit = 60;
    dispatch_syscall(SyscallArgs{kExit, {static_cast<uint64_t>(status), 0, 0, 0, 0, 0}});
}

}  // namespace

ArchThread* arch_boot_thread() {
    static ArchThread boot;
    return &boot;
}

Result<void> arch_clone_thread(Thread& child, uint64_t, bool, uint64_t) {
    auto arch = std::make_unique<ArchThread>();
    arch->body = next_body ? std::exchange(next_body, nullptr) : [] { return 0; };
    arch->stack.resize(kHostStackSize);
    getcontext(&arch->context);
    arch->context.uc_stack.ss_sp = arch->stack.data();
    arch->context.uc_stack.ss_size = arch->stack.size();
    arch->context.uc_link = nullptr;
    auto address = reinterpret_cast<uintptr_t>(arch.get());
    makecontext(&arch->context, reinterpret_cast<void (*)()>(run_body), 2, static_cast<unsigned>(address >> 32),
                static_cast<unsigned>(address & 0xFFFFFFFF));
    child.arch = arch.release();
    return {};
}

ArchThread* arch_create_idle_thread() {
    auto arch = std::make_unique<ArchThread>();
    arch->stack.resize(kHostStackSize);
    getcontext(&arch->context);
    arch->context.uc_stack.ss_sp = arch->stack.data();
    arch->context.uc_stack.ss_size = arch->stack.size();
    arch->context.uc_link = nullptr;
    makecontext(&arch->context, +[] { run_idle_thread(); }, 0);
    return arch.release();
}

[[noreturn]] void arch_enter_thread(Thread& thread) {
    setcontext(&thread.arch->context);
    __builtin_unreachable();
}

void arch_switch_threads(Thread& from, Thread& to) {
    swapcontext(&from.arch->context, &to.arch->context);
    throw_pending_exit();
}

void arch_destroy_thread(ArchThread* arch) { delete arch; }

// No user mode on the host: an execve that got this far has nothing left to restart.
void arch_restart_user_thread(uint64_t, uint64_t) {}

void arch_set_preemption_timer(uint64_t) {}

namespace fake_threads {

[[noreturn]] void exit_program_on_boot_thread(int status) {
    Thread& self = current_thread();
    Thread& boot = main_thread();
    if (&self == &boot) {
        stop_other_threads();
        throw fake_cpu::ProgramExit{status};
    }
    pending_exit_status = status;
    set_current_thread(boot);
    swapcontext(&self.arch->context, &boot.arch->context);
    __builtin_unreachable();
}

void set_next_thread_body(std::function<int()> body) { next_body = std::move(body); }

void reset() {
    next_body = nullptr;
    stop_other_threads();
}

}  // namespace fake_threads
}  // namespace ingot
