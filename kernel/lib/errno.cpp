#include <lib/errno.h>

namespace ingot {

const char* errno_name(Errno e) {
    switch (e) {
#define NAME(x) case Errno::x: return #x;
        NAME(EPERM) NAME(ENOENT) NAME(ESRCH) NAME(EINTR) NAME(EIO) NAME(ENXIO) NAME(E2BIG)
        NAME(ENOEXEC) NAME(EBADF) NAME(ECHILD) NAME(EAGAIN) NAME(ENOMEM) NAME(EACCES)
        NAME(EFAULT) NAME(EBUSY) NAME(EEXIST) NAME(EXDEV) NAME(ENODEV) NAME(ENOTDIR)
        NAME(EISDIR) NAME(EINVAL) NAME(ENFILE) NAME(EMFILE) NAME(ENOTTY) NAME(EFBIG)
        NAME(ENOSPC) NAME(ESPIPE) NAME(EROFS) NAME(EMLINK) NAME(EPIPE) NAME(EDOM) NAME(ERANGE)
        NAME(EDEADLK) NAME(ENAMETOOLONG) NAME(ENOSYS) NAME(ENOTEMPTY) NAME(ELOOP) NAME(ENODATA)
        NAME(EOVERFLOW) NAME(EILSEQ) NAME(ENOTSOCK) NAME(EOPNOTSUPP) NAME(EAFNOSUPPORT)
        NAME(EADDRINUSE) NAME(ECONNRESET) NAME(ETIMEDOUT) NAME(ECONNREFUSED)
        NAME(EPROTO) NAME(EDESTADDRREQ) NAME(EMSGSIZE) NAME(EPROTOTYPE) NAME(ENOPROTOOPT)
        NAME(EPROTONOSUPPORT) NAME(EADDRNOTAVAIL) NAME(ENETDOWN) NAME(ENETUNREACH)
        NAME(ECONNABORTED) NAME(ENOBUFS) NAME(EISCONN) NAME(ENOTCONN) NAME(EHOSTUNREACH)
        NAME(EALREADY) NAME(EINPROGRESS) NAME(ESOCKTNOSUPPORT)
#undef NAME
    }
    return "E?";
}

const char* errno_description(Errno e) {
    switch (e) {
    case Errno::EPERM: return "Operation not permitted";
    case Errno::ENOENT: return "No such file or directory";
    case Errno::EIO: return "Input/output error";
    case Errno::ENOMEM: return "Cannot allocate memory";
    case Errno::EBUSY: return "Device or resource busy";
    case Errno::ENODEV: return "No such device";
    case Errno::ENOTDIR: return "Not a directory";
    case Errno::EINVAL: return "Invalid argument";
    case Errno::ENOSPC: return "No space left on device";
    case Errno::EROFS: return "Read-only file system";
    case Errno::ENAMETOOLONG: return "File name too long";
    case Errno::EOPNOTSUPP: return "Operation not supported";
    default: return errno_name(e);
    }
}

}  // namespace ingot
