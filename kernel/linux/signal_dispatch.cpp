#include <linux/signal_dispatch.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

namespace ingot {
namespace {

// Ignored signals are discarded when sent (signal(7)); SIGKILL can never be ignored.
bool is_ignored(const Process& process, int signal) {
    const SigAction& action = process.signal_actions[signal];
    bool ignored = action.handler == kSigIgnore ||
                   (action.handler == kSigDefault && default_action(signal) == DefaultAction::Ignore);
    return ignored && signal != kSigKill;
}

}  // namespace

void raise_signal(int signal) { send_thread_signal(current_thread(), signal); }

void send_thread_signal(Thread& thread, int signal) {
    if (is_ignored(process_of(thread), signal)) return;
    thread.signals.pending |= signal_bit(signal);
    wake_for_signal(thread);
}

void send_process_signal(Process& process, int signal) {
    if (process.state != ProcessState::Alive || is_ignored(process, signal)) return;
    process.shared_pending |= signal_bit(signal);
    // The caller takes it on its way out if it can; otherwise every thread that can is woken
    // from an interruptible wait, and the first to return to the program takes it.
    Thread& self = current_thread();
    if (&process_of(self) == &process && !(self.signals.blocked & signal_bit(signal))) return;
    for_each_thread([&process, signal](Thread& thread) {
        if (&process_of(thread) == &process && !(thread.signals.blocked & signal_bit(signal))) wake_for_signal(thread);
    });
}

}  // namespace ingot
