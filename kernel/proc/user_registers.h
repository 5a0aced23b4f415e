// Program registers the kernel sets on request (arch_prctl(2)); implemented by the architecture.
#pragma once

#include <cstdint>

namespace ingot {

void set_user_fs_base(uint64_t base);
uint64_t user_fs_base();
void set_user_gs_base(uint64_t base);
uint64_t user_gs_base();

}  // namespace ingot
