#include <linux/signal_dispatch.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

namespace ingot {
namespace {

// Ignored signals are discarded when sent (signal(7)); SIGKILL can never be ignored.
bool is_ignored(int signal) {
    const SigAction& action = current_process().signal_actions[signal];
    bool ignored = action.handler == kSigIgnore ||
                   (action.handler == kSigDefault && default_action(signal) == DefaultAction::Ignore);
    return ignored && signal != kSigKill;
}

}  // namespace

void raise_signal(int signal) { send_thread_signal(current_thread(), signal); }

void send_thread_signal(Thread& thread, int signal) {
    if (is_ignored(signal)) return;
    thread.signals.pending |= signal_bit(signal);
    wake_for_signal(thread);
}

void send_process_signal(int signal) {
    if (is_ignored(signal)) return;
    current_process().shared_pending |= signal_bit(signal);
    // One thread that can take it is enough: the caller itself if it can, else the first.
    if (!(current_thread().signals.blocked & signal_bit(signal))) return;
    for_each_thread([signal](Thread& thread) {
        if (!(thread.signals.blocked & signal_bit(signal))) wake_for_signal(thread);
    });
}

}  // namespace ingot
