#pragma once

namespace ingot::fake_cpu {

// Thrown by the host version of exit_program(): the status the program would end with.
struct ProgramExit {
    int status;
};

// Forgets every signal action, mask and pending signal (the state of a fresh program).
void reset_signals();

}  // namespace ingot::fake_cpu
