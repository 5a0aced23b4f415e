// Each process's descriptor table and working directory (fs/fs_context.h). Kept apart from
// process.cpp so host tests can supply their own context.
#include <fs/fs_context.h>
#include <proc/process.h>

namespace ingot {
namespace {
FsContext first_process_fs;  // pid 1's, which exists from boot (Process::fs stays null)
}

FsContext& current_fs() {
    Process& process = current_process();
    return process.fs ? *process.fs : first_process_fs;
}

}  // namespace ingot
