#include <linux/signal_dispatch.h>
#include <proc/process.h>

namespace ingot {

void raise_signal(int signal) {
    SignalState& state = current_process().signals;
    const SigAction& action = state.actions[signal];
    bool ignored = action.handler == kSigIgnore ||
                   (action.handler == kSigDefault && default_action(signal) == DefaultAction::Ignore);
    if (ignored && signal != kSigKill) return;
    state.pending |= signal_bit(signal);
}

}  // namespace ingot
