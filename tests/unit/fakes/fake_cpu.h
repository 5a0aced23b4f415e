#pragma once

namespace ingot::fake_cpu {

// Thrown by the host version of exit_program(): the status the program would end with.
struct ProgramExit {
    int status;
};

}  // namespace ingot::fake_cpu
