// Physical frames mapped by more than one address space: after fork(2) parent and child map
// the same frames read-only until one of them writes (copy-on-write). Only the extra mappers
// are counted, so frames that were never shared cost nothing here.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

// One more address space maps `phys`. ENOMEM when the count cannot be recorded.
Result<void> frame_add_sharer(uint64_t phys);
// True while more than one address space maps `phys`.
bool frame_is_shared(uint64_t phys);
// One address space stops mapping `phys`: frees the frame when it was the last.
void frame_release(uint64_t phys);

}  // namespace ingot
