// The architecture hooks the process code calls, for host tests: registers are plain
// variables, exiting throws so a test can observe the status, rt_sigreturn has no frame.
#include "fakes/fake_cpu.h"

#include "fakes/fake_clock.h"
#include "fakes/fake_threads.h"

#include <linux/rt_sigreturn.h>
#include <lib/clock.h>
#include <proc/cpu_info.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/thread.h>
#include <proc/user_registers.h>
#include <proc/vdso.h>

namespace ingot {
namespace {
uint64_t fs_base = 0, gs_base = 0;
}

void set_user_fs_base(uint64_t base) { fs_base = base; }
uint64_t user_fs_base() { return fs_base; }
void set_user_gs_base(uint64_t base) { gs_base = base; }
uint64_t user_gs_base() { return gs_base; }

[[noreturn]] void exit_program(int shell_status) { fake_threads::exit_program_on_boot_thread(shell_status); }

Result<int64_t> sys_rt_sigreturn(const SyscallArgs&) { return Errno::ENOSYS; }

// Halting ends when the timer fires at the deadline: the simulated clock jumps there.
void halt_until(uint64_t deadline_ns) {
    if (deadline_ns != kNoDeadline && deadline_ns > monotonic_ns()) fake_clock::advance_ns(deadline_ns - monotonic_ns());
}

namespace fake_cpu {
void reset_signals() {
    Process& process = current_process();
    for (SigAction& action : process.signal_actions) action = SigAction{};
    process.shared_pending = 0;
    current_thread().signals = ThreadSignals{};
}
}  // namespace fake_cpu

uint64_t cpu_hwcap() { return 0x178bfbff; }
uint64_t cpu_hwcap2() { return 0; }
uint64_t signal_stack_min_size() { return 3072; }

}  // namespace ingot

namespace ingot {

// Host tests load programs without a vDSO (no AT_SYSINFO_EHDR).
std::vector<uint8_t> vdso_image_for_program() { return {}; }

}  // namespace ingot
