// Runs QEMU as a child process and relays the guest's channels: COM1 to our stdout and the
// debugcon to our stderr, byte for byte, while the control channel decides how the run ended.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ingot/control_channel.h>

namespace ingot::tool {

struct GuestOutcome {
    enum class End {
        Reported,     // the control channel gave a status or "panic" (see control)
        NoReport,     // QEMU ended without one
        TimedOut,     // --timeout passed; QEMU was killed
        Interrupted,  // we got SIGINT/SIGTERM/SIGHUP; QEMU was killed
    };
    End end = End::NoReport;
    ControlChannel::Outcome control = ControlChannel::Outcome::None;
    int status = 0;             // the guest's status when control == Status
    int signal = 0;             // for Interrupted: the signal we received
    int qemu_wait_status = 0;   // as waitpid() reported it
    std::string qemu_messages;  // what QEMU itself printed on its stdout/stderr
};

// Where the output of a run goes. QEMU's own messages are kept in GuestOutcome::qemu_messages
// in every case.
enum class QemuOutput {
    RelayGuest,          // the guest's COM1 to our stdout, its debugcon to our stderr
    RelayGuestAndQemu,   // the same, and QEMU's messages copied to our stderr as they arrive
    Discard,             // the guest's output is dropped (a probe that only wants its status)
};

// "exited with status N" / "was killed by signal N", for messages about how QEMU ended.
std::string describe_wait_status(int wait_status);

// Work to do on QEMU's process while it starts (see run_qemu): returns true once done.
using StartupStep = std::function<bool(pid_t qemu)>;

// Starts argv (argv[0] an executable path; the channel descriptors as qemu_command.h sets them)
// and relays its output as `output` says until it exits. A `startup_step` is called every few milliseconds from
// QEMU's start until it returns true, for at most kStartupStepLimitMs. Throws ToolError (126)
// if QEMU cannot be started.
GuestOutcome run_qemu(const std::vector<std::string>& argv, std::optional<double> timeout_seconds,
                      QemuOutput output, const StartupStep& startup_step = {});

inline constexpr int kStartupStepIntervalMs = 5;
inline constexpr int kStartupStepLimitMs = 30000;

}  // namespace ingot::tool
