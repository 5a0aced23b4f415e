// Secondary CPUs (proc/cpus.h): started by INIT and start-up IPIs through a real-mode page
// below 1 MiB (ap_start.S), as the PVH loaders (QEMU microvm, pc, q35) leave them waiting.
#pragma once

#include <arch/x86_64/pvh.h>

namespace ingot {

// Picks the low pages secondary CPUs start from, clear of what the boot loader put below
// 1 MiB. Called before memory_init(), while the boot window still reaches those structures.
void choose_cpu_start_pages(const pvh::StartInfo& info);

}  // namespace ingot
