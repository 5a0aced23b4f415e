// Raising a signal for the program: what happens next depends on its action (signal(7)).
#pragma once

namespace ingot {

// Makes `signal` pending for the program unless it is ignored. A pending signal whose action
// is the default "terminate" or "core" ends the program when it is delivered, which happens
// on the way back to the program (immediately after the current system call).
void raise_signal(int signal);

}  // namespace ingot
