// Signals (signal(7)): actions, masks, pending sets, and what each signal does by default.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

enum : int {
    kSigHup = 1, kSigInt = 2, kSigQuit = 3, kSigIll = 4, kSigTrap = 5, kSigAbrt = 6, kSigBus = 7,
    kSigFpe = 8, kSigKill = 9, kSigUsr1 = 10, kSigSegv = 11, kSigUsr2 = 12, kSigPipe = 13,
    kSigAlrm = 14, kSigTerm = 15, kSigStkflt = 16, kSigChld = 17, kSigCont = 18, kSigStop = 19,
    kSigTstp = 20, kSigTtin = 21, kSigTtou = 22, kSigUrg = 23, kSigXcpu = 24, kSigXfsz = 25,
    kSigVtalrm = 26, kSigProf = 27, kSigWinch = 28, kSigIo = 29, kSigPwr = 30, kSigSys = 31,
};
inline constexpr int kSignalCount = 64;  // 1..64, including real-time signals 32..64

inline constexpr uint64_t kSigDefault = 0;  // SIG_DFL
inline constexpr uint64_t kSigIgnore = 1;   // SIG_IGN

// sa_flags bits (asm-generic/signal-defs.h, x86).
inline constexpr uint64_t kSaSigInfo = 0x4, kSaOnStack = 0x08000000, kSaRestart = 0x10000000,
                          kSaNoDefer = 0x40000000, kSaResetHand = 0x80000000, kSaRestorer = 0x04000000;

// struct kernel_sigaction as rt_sigaction passes it on x86-64.
struct SigAction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
static_assert(sizeof(SigAction) == 32);

enum class DefaultAction { Terminate, Core, Ignore, Stop, Continue };

DefaultAction default_action(int signal);
// "segmentation fault", "aborted", ... for the one-line report when a signal ends the program.
const char* signal_description(int signal);

constexpr uint64_t signal_bit(int signal) { return 1ull << (signal - 1); }
constexpr bool valid_signal(int signal) { return signal >= 1 && signal <= kSignalCount; }

// Signals that can be neither caught, blocked nor ignored.
inline constexpr uint64_t kUnblockable = signal_bit(kSigKill) | signal_bit(kSigStop);

// What each thread keeps of signals: its mask, the signals sent to it alone (tgkill, faults,
// SIGPIPE) and its alternate stack. Actions and process-directed signals belong to the Process.
struct ThreadSignals {
    uint64_t blocked = 0;
    uint64_t pending = 0;
    uint64_t altstack_sp = 0;
    uint64_t altstack_size = 0;
    int altstack_flags = 2;  // SS_DISABLE
    // rt_sigsuspend(2): the mask to restore once the signal that ended the wait is delivered.
    bool has_saved_blocked = false;
    uint64_t saved_blocked = 0;
};

// The lowest signal that is pending for the thread or the whole process and not blocked by
// the thread, or 0.
inline int next_deliverable_signal(const ThreadSignals& thread, uint64_t process_pending) {
    uint64_t ready = (thread.pending | process_pending) & ~thread.blocked;
    return ready ? __builtin_ctzll(ready) + 1 : 0;
}

}  // namespace ingot
