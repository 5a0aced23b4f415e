// fork(2), vfork(2) and clone(2) for new processes. The child is a copy of the calling process
// with one thread, a copy of the caller: its memory copy-on-write (or, for vfork, the parent's
// own memory, with the parent asleep until the child calls execve or ends), its descriptors
// duplicated, its signal actions and mask inherited, nothing pending.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot {

struct ForkRequest {
    uint64_t child_stack = 0;     // the child's rsp, or 0 for the caller's
    bool share_memory = false;    // CLONE_VM with CLONE_VFORK (posix_spawn)
    bool parent_sleeps = false;   // CLONE_VFORK
    uint64_t child_settid = 0;    // CLONE_CHILD_SETTID: the tid is written there in the child
    uint64_t child_cleartid = 0;  // CLONE_CHILD_CLEARTID
    uint64_t parent_settid = 0;   // CLONE_PARENT_SETTID: written in the parent (and so the child)
};

// Returns the child's pid. EAGAIN when no pid is free, ENOMEM when memory runs out.
Result<int> fork_process(const ForkRequest& request);

}  // namespace ingot
