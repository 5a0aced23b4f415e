// The file-family system calls (x86_64 numbers in brackets). Each validates its arguments,
// copies user memory only through mm/user_memory.h, and hands off to the VFS (fs/vfs.h).
// Writes to a pipe with no reader fail with EPIPE; the dispatcher raises SIGPIPE for that.
#pragma once

#include <linux/syscall.h>

namespace ingot {

// sys_fs_io.cpp
Result<int64_t> sys_read(const SyscallArgs& args);      // [0]
Result<int64_t> sys_write(const SyscallArgs& args);     // [1]
Result<int64_t> sys_lseek(const SyscallArgs& args);     // [8]
Result<int64_t> sys_pread64(const SyscallArgs& args);   // [17]
Result<int64_t> sys_pwrite64(const SyscallArgs& args);  // [18]
Result<int64_t> sys_readv(const SyscallArgs& args);     // [19]
Result<int64_t> sys_writev(const SyscallArgs& args);    // [20]
Result<int64_t> sys_preadv(const SyscallArgs& args);    // [295]
Result<int64_t> sys_pwritev(const SyscallArgs& args);   // [296]

// sys_fs_sendfile.cpp
Result<int64_t> sys_sendfile(const SyscallArgs& args);  // [40]

// sys_fs_open.cpp
Result<int64_t> sys_open(const SyscallArgs& args);         // [2]
Result<int64_t> sys_close(const SyscallArgs& args);        // [3]
Result<int64_t> sys_creat(const SyscallArgs& args);        // [85]
Result<int64_t> sys_openat(const SyscallArgs& args);       // [257]
Result<int64_t> sys_close_range(const SyscallArgs& args);  // [436]

// sys_fs_fd.cpp
Result<int64_t> sys_pipe(const SyscallArgs& args);   // [22]
Result<int64_t> sys_dup(const SyscallArgs& args);    // [32]
Result<int64_t> sys_dup2(const SyscallArgs& args);   // [33]
Result<int64_t> sys_dup3(const SyscallArgs& args);   // [292]
Result<int64_t> sys_pipe2(const SyscallArgs& args);  // [293]

// sys_fs_control.cpp
Result<int64_t> sys_ioctl(const SyscallArgs& args);  // [16]
Result<int64_t> sys_fcntl(const SyscallArgs& args);  // [72]

// sys_fs_stat.cpp
Result<int64_t> sys_stat(const SyscallArgs& args);        // [4]
Result<int64_t> sys_fstat(const SyscallArgs& args);       // [5]
Result<int64_t> sys_lstat(const SyscallArgs& args);       // [6]
Result<int64_t> sys_statfs(const SyscallArgs& args);      // [137]
Result<int64_t> sys_fstatfs(const SyscallArgs& args);     // [138]
Result<int64_t> sys_newfstatat(const SyscallArgs& args);  // [262]
Result<int64_t> sys_statx(const SyscallArgs& args);       // [332]

// sys_fs_dir.cpp
Result<int64_t> sys_getcwd(const SyscallArgs& args);      // [79]
Result<int64_t> sys_chdir(const SyscallArgs& args);       // [80]
Result<int64_t> sys_fchdir(const SyscallArgs& args);      // [81]
Result<int64_t> sys_mkdir(const SyscallArgs& args);       // [83]
Result<int64_t> sys_rmdir(const SyscallArgs& args);       // [84]
Result<int64_t> sys_getdents64(const SyscallArgs& args);  // [217]
Result<int64_t> sys_mkdirat(const SyscallArgs& args);     // [258]

// sys_fs_path.cpp
Result<int64_t> sys_access(const SyscallArgs& args);      // [21]
Result<int64_t> sys_rename(const SyscallArgs& args);      // [82]
Result<int64_t> sys_unlink(const SyscallArgs& args);      // [87]
Result<int64_t> sys_symlink(const SyscallArgs& args);     // [88]
Result<int64_t> sys_readlink(const SyscallArgs& args);    // [89]
Result<int64_t> sys_unlinkat(const SyscallArgs& args);    // [263]
Result<int64_t> sys_renameat(const SyscallArgs& args);    // [264]
Result<int64_t> sys_symlinkat(const SyscallArgs& args);   // [266]
Result<int64_t> sys_link(const SyscallArgs& args);        // [86]
Result<int64_t> sys_linkat(const SyscallArgs& args);      // [265]
Result<int64_t> sys_readlinkat(const SyscallArgs& args);  // [267]
Result<int64_t> sys_faccessat(const SyscallArgs& args);   // [269]
Result<int64_t> sys_renameat2(const SyscallArgs& args);   // [316]
Result<int64_t> sys_faccessat2(const SyscallArgs& args);  // [439]

// sys_fs_attr.cpp
Result<int64_t> sys_fsync(const SyscallArgs& args);       // [74]
Result<int64_t> sys_fdatasync(const SyscallArgs& args);   // [75]
Result<int64_t> sys_truncate(const SyscallArgs& args);    // [76]
Result<int64_t> sys_ftruncate(const SyscallArgs& args);   // [77]
Result<int64_t> sys_chmod(const SyscallArgs& args);       // [90]
Result<int64_t> sys_fchmod(const SyscallArgs& args);      // [91]
Result<int64_t> sys_chown(const SyscallArgs& args);       // [92]
Result<int64_t> sys_fchown(const SyscallArgs& args);      // [93]
Result<int64_t> sys_lchown(const SyscallArgs& args);      // [94]
Result<int64_t> sys_umask(const SyscallArgs& args);       // [95]
Result<int64_t> sys_sync(const SyscallArgs& args);        // [162]
Result<int64_t> sys_syncfs(const SyscallArgs& args);      // [306]
Result<int64_t> sys_fadvise64(const SyscallArgs& args);   // [221]
Result<int64_t> sys_fallocate(const SyscallArgs& args);   // [285]
Result<int64_t> sys_fchownat(const SyscallArgs& args);    // [260]
Result<int64_t> sys_fchmodat(const SyscallArgs& args);    // [268]
Result<int64_t> sys_utimensat(const SyscallArgs& args);   // [280]

}  // namespace ingot
