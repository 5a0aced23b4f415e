#include <proc/signals.h>

namespace ingot {

DefaultAction default_action(int signal) {
    switch (signal) {
    case kSigChld:
    case kSigUrg:
    case kSigWinch: return DefaultAction::Ignore;
    case kSigCont: return DefaultAction::Continue;
    case kSigStop:
    case kSigTstp:
    case kSigTtin:
    case kSigTtou: return DefaultAction::Stop;
    case kSigQuit:
    case kSigIll:
    case kSigTrap:
    case kSigAbrt:
    case kSigBus:
    case kSigFpe:
    case kSigSegv:
    case kSigXcpu:
    case kSigXfsz:
    case kSigSys: return DefaultAction::Core;
    default: return DefaultAction::Terminate;  // includes the real-time signals (signal(7))
    }
}

const char* signal_description(int signal) {
    switch (signal) {
    case kSigHup: return "hangup";
    case kSigInt: return "interrupted";
    case kSigQuit: return "quit";
    case kSigIll: return "illegal instruction";
    case kSigTrap: return "trace/breakpoint trap";
    case kSigAbrt: return "aborted";
    case kSigBus: return "bus error";
    case kSigFpe: return "floating point exception";
    case kSigKill: return "killed";
    case kSigSegv: return "segmentation fault";
    case kSigPipe: return "broken pipe";
    case kSigAlrm: return "alarm clock";
    case kSigTerm: return "terminated";
    default: return "killed by a signal";
    }
}

}  // namespace ingot
