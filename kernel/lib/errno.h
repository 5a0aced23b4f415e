// Linux errno values (asm-generic/errno-base.h, errno.h). The syscall layer returns them
// negated; everything below it carries them inside Result<T>.
#pragma once

namespace ingot {

enum class Errno : int {
    EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
    EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16,
    EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23,
    EMFILE = 24, ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
    EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38,
    ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EILSEQ = 84, ENOTSOCK = 88,
    EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, ECONNRESET = 104, ETIMEDOUT = 110,
    ECONNREFUSED = 111,
};

// Short symbolic name ("ENOENT"), for log lines; "E?" for values not listed above.
const char* errno_name(Errno e);

}  // namespace ingot
