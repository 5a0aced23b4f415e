// Sending signals within the program: what happens next depends on the action (signal(7)).
#pragma once

namespace ingot {

struct Process;
struct Thread;

// Makes `signal` pending for the calling thread (SIGPIPE, a fault, raise(3)) unless it is
// ignored. A pending signal whose action is the default "terminate" or "core" ends the program
// when it is delivered, on the way back to the program.
void raise_signal(int signal);
// The same for `thread` (tgkill(2)); a blocked thread that does not block the signal wakes
// and its system call fails with EINTR.
void send_thread_signal(Thread& thread, int signal);
// A process-directed signal (kill(2)): taken by whichever of its threads does not block it.
void send_process_signal(Process& process, int signal);

}  // namespace ingot
