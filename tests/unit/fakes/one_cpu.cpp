// proc/cpus.h for programs that run the kernel's code in a Linux process: one CPU, which
// never needs kicking and never waits for the kernel lock.
#include <proc/cpus.h>

namespace ingot {

unsigned current_cpu() { return 0; }
unsigned online_cpus() { return 1; }
void kick_cpu(unsigned) {}
void let_other_cpus_in() {}
void start_cpus(unsigned) {}

}  // namespace ingot
