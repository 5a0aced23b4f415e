// The file-system state of the running process: its descriptors, working directory and umask.
// The kernel owns the process and defines current_fs(); host unit tests define a fake.
#pragma once

#include <fs/directory.h>
#include <fs/fd_table.h>
#include <fs/open_file.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot {

struct FsContext {
    FdTable fds;
    DirectoryRef cwd;      // null means the root directory (before any chdir)
    uint32_t umask = 022;  // umask(2): what a shell usually starts programs with
};

// The running process's context.
FsContext& current_fs();

// The open file behind descriptor fd of the running process; EBADF when fd is not open.
// (mmap of files uses this with OpenFile::read_at, size() and is_regular_file().)
Result<OpenFileRef> file_for_fd(int fd);

// The running process's working directory (the root until it changes directory).
DirectoryRef current_working_directory();

}  // namespace ingot
