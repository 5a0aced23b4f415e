// Linux errno values (asm-generic/errno-base.h, errno.h). The syscall layer returns them
// negated; everything below it carries them inside Result<T>.
#pragma once

// Host code (tests, tools) may already have <cerrno>, whose E* macros would rewrite the
// enumerators below; they are set aside while the enum is declared. Such code spells the
// values Errno{EINVAL}: the libc macros carry the same Linux numbers.
#pragma push_macro("EPERM")
#undef EPERM
#pragma push_macro("ENOENT")
#undef ENOENT
#pragma push_macro("ESRCH")
#undef ESRCH
#pragma push_macro("EINTR")
#undef EINTR
#pragma push_macro("EIO")
#undef EIO
#pragma push_macro("ENXIO")
#undef ENXIO
#pragma push_macro("E2BIG")
#undef E2BIG
#pragma push_macro("ENOEXEC")
#undef ENOEXEC
#pragma push_macro("EBADF")
#undef EBADF
#pragma push_macro("ECHILD")
#undef ECHILD
#pragma push_macro("EAGAIN")
#undef EAGAIN
#pragma push_macro("ENOMEM")
#undef ENOMEM
#pragma push_macro("EACCES")
#undef EACCES
#pragma push_macro("EFAULT")
#undef EFAULT
#pragma push_macro("EBUSY")
#undef EBUSY
#pragma push_macro("EEXIST")
#undef EEXIST
#pragma push_macro("EXDEV")
#undef EXDEV
#pragma push_macro("ENODEV")
#undef ENODEV
#pragma push_macro("ENOTDIR")
#undef ENOTDIR
#pragma push_macro("EISDIR")
#undef EISDIR
#pragma push_macro("EINVAL")
#undef EINVAL
#pragma push_macro("ENFILE")
#undef ENFILE
#pragma push_macro("EMFILE")
#undef EMFILE
#pragma push_macro("ENOTTY")
#undef ENOTTY
#pragma push_macro("EFBIG")
#undef EFBIG
#pragma push_macro("ENOSPC")
#undef ENOSPC
#pragma push_macro("ESPIPE")
#undef ESPIPE
#pragma push_macro("EROFS")
#undef EROFS
#pragma push_macro("EMLINK")
#undef EMLINK
#pragma push_macro("EPIPE")
#undef EPIPE
#pragma push_macro("EDOM")
#undef EDOM
#pragma push_macro("ERANGE")
#undef ERANGE
#pragma push_macro("EDEADLK")
#undef EDEADLK
#pragma push_macro("ENAMETOOLONG")
#undef ENAMETOOLONG
#pragma push_macro("ENOSYS")
#undef ENOSYS
#pragma push_macro("ENOTEMPTY")
#undef ENOTEMPTY
#pragma push_macro("ELOOP")
#undef ELOOP
#pragma push_macro("ENODATA")
#undef ENODATA
#pragma push_macro("EBADMSG")
#undef EBADMSG
#pragma push_macro("EOVERFLOW")
#undef EOVERFLOW
#pragma push_macro("EILSEQ")
#undef EILSEQ
#pragma push_macro("ENOTSOCK")
#undef ENOTSOCK
#pragma push_macro("EOPNOTSUPP")
#undef EOPNOTSUPP
#pragma push_macro("EAFNOSUPPORT")
#undef EAFNOSUPPORT
#pragma push_macro("EADDRINUSE")
#undef EADDRINUSE
#pragma push_macro("ECONNRESET")
#undef ECONNRESET
#pragma push_macro("ETIMEDOUT")
#undef ETIMEDOUT
#pragma push_macro("ECONNREFUSED")
#undef ECONNREFUSED
#pragma push_macro("EPROTO")
#undef EPROTO
#pragma push_macro("EDESTADDRREQ")
#undef EDESTADDRREQ
#pragma push_macro("EMSGSIZE")
#undef EMSGSIZE
#pragma push_macro("EPROTOTYPE")
#undef EPROTOTYPE
#pragma push_macro("ENOPROTOOPT")
#undef ENOPROTOOPT
#pragma push_macro("EPROTONOSUPPORT")
#undef EPROTONOSUPPORT
#pragma push_macro("EADDRNOTAVAIL")
#undef EADDRNOTAVAIL
#pragma push_macro("ENETDOWN")
#undef ENETDOWN
#pragma push_macro("ENETUNREACH")
#undef ENETUNREACH
#pragma push_macro("ECONNABORTED")
#undef ECONNABORTED
#pragma push_macro("ENOBUFS")
#undef ENOBUFS
#pragma push_macro("EISCONN")
#undef EISCONN
#pragma push_macro("ENOTCONN")
#undef ENOTCONN
#pragma push_macro("EHOSTUNREACH")
#undef EHOSTUNREACH
#pragma push_macro("EALREADY")
#undef EALREADY
#pragma push_macro("EINPROGRESS")
#undef EINPROGRESS
#pragma push_macro("ESOCKTNOSUPPORT")
#undef ESOCKTNOSUPPORT

namespace ingot {

enum class Errno : int {
    EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
    EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16,
    EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23,
    EMFILE = 24, ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
    EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38,
    ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EBADMSG = 74, EOVERFLOW = 75, EILSEQ = 84, ENOTSOCK = 88,
    EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, ECONNRESET = 104, ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    // Networking (asm-generic/errno.h).
    EPROTO = 71, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
    EPROTONOSUPPORT = 93, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101,
    ECONNABORTED = 103, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, EHOSTUNREACH = 113,
    EALREADY = 114, EINPROGRESS = 115, ESOCKTNOSUPPORT = 94,
};

}  // namespace ingot

#pragma pop_macro("EPERM")
#pragma pop_macro("ENOENT")
#pragma pop_macro("ESRCH")
#pragma pop_macro("EINTR")
#pragma pop_macro("EIO")
#pragma pop_macro("ENXIO")
#pragma pop_macro("E2BIG")
#pragma pop_macro("ENOEXEC")
#pragma pop_macro("EBADF")
#pragma pop_macro("ECHILD")
#pragma pop_macro("EAGAIN")
#pragma pop_macro("ENOMEM")
#pragma pop_macro("EACCES")
#pragma pop_macro("EFAULT")
#pragma pop_macro("EBUSY")
#pragma pop_macro("EEXIST")
#pragma pop_macro("EXDEV")
#pragma pop_macro("ENODEV")
#pragma pop_macro("ENOTDIR")
#pragma pop_macro("EISDIR")
#pragma pop_macro("EINVAL")
#pragma pop_macro("ENFILE")
#pragma pop_macro("EMFILE")
#pragma pop_macro("ENOTTY")
#pragma pop_macro("EFBIG")
#pragma pop_macro("ENOSPC")
#pragma pop_macro("ESPIPE")
#pragma pop_macro("EROFS")
#pragma pop_macro("EMLINK")
#pragma pop_macro("EPIPE")
#pragma pop_macro("EDOM")
#pragma pop_macro("ERANGE")
#pragma pop_macro("EDEADLK")
#pragma pop_macro("ENAMETOOLONG")
#pragma pop_macro("ENOSYS")
#pragma pop_macro("ENOTEMPTY")
#pragma pop_macro("ELOOP")
#pragma pop_macro("ENODATA")
#pragma pop_macro("EBADMSG")
#pragma pop_macro("EOVERFLOW")
#pragma pop_macro("EILSEQ")
#pragma pop_macro("ENOTSOCK")
#pragma pop_macro("EOPNOTSUPP")
#pragma pop_macro("EAFNOSUPPORT")
#pragma pop_macro("EADDRINUSE")
#pragma pop_macro("ECONNRESET")
#pragma pop_macro("ETIMEDOUT")
#pragma pop_macro("ECONNREFUSED")
#pragma pop_macro("EPROTO")
#pragma pop_macro("EDESTADDRREQ")
#pragma pop_macro("EMSGSIZE")
#pragma pop_macro("EPROTOTYPE")
#pragma pop_macro("ENOPROTOOPT")
#pragma pop_macro("EPROTONOSUPPORT")
#pragma pop_macro("EADDRNOTAVAIL")
#pragma pop_macro("ENETDOWN")
#pragma pop_macro("ENETUNREACH")
#pragma pop_macro("ECONNABORTED")
#pragma pop_macro("ENOBUFS")
#pragma pop_macro("EISCONN")
#pragma pop_macro("ENOTCONN")
#pragma pop_macro("EHOSTUNREACH")
#pragma pop_macro("EALREADY")
#pragma pop_macro("EINPROGRESS")
#pragma pop_macro("ESOCKTNOSUPPORT")

namespace ingot {

// Short symbolic name ("ENOENT"), for log lines; "E?" for values not listed above.
const char* errno_name(Errno e);
// The message strerror(3) gives for the errors a user meets at boot ("No such device"); the
// symbolic name for the rest.
const char* errno_description(Errno e);

}  // namespace ingot
