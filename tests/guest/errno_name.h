// errno values by name, for guest programs that print which error a call failed with.
// musl has no strerrorname_np, and strerror texts differ between libcs, so the tests print names.
#pragma once

#include <errno.h>

static inline const char* errno_name(int error) {
    switch (error) {
        case 0: return "OK";
        case EPERM: return "EPERM";
        case ESRCH: return "ESRCH";
        case EINTR: return "EINTR";
        case ENOENT: return "ENOENT";
        case EIO: return "EIO";
        case EBADF: return "EBADF";
        case ENOMEM: return "ENOMEM";
        case EACCES: return "EACCES";
        case EFAULT: return "EFAULT";
        case EEXIST: return "EEXIST";
        case ENOTDIR: return "ENOTDIR";
        case EISDIR: return "EISDIR";
        case EINVAL: return "EINVAL";
        case ENOSPC: return "ENOSPC";
        case ESPIPE: return "ESPIPE";
        case EROFS: return "EROFS";
        case ENAMETOOLONG: return "ENAMETOOLONG";
        case ENOSYS: return "ENOSYS";
        case EAGAIN: return "EAGAIN";
        case ENOTEMPTY: return "ENOTEMPTY";
        case ELOOP: return "ELOOP";
        case EOPNOTSUPP: return "EOPNOTSUPP";
        case EINPROGRESS: return "EINPROGRESS";
        case EALREADY: return "EALREADY";
        case ECONNREFUSED: return "ECONNREFUSED";
        case ECONNRESET: return "ECONNRESET";
        case ETIMEDOUT: return "ETIMEDOUT";
        case EHOSTUNREACH: return "EHOSTUNREACH";
        case ENETUNREACH: return "ENETUNREACH";
        case ENOTCONN: return "ENOTCONN";
        case EPIPE: return "EPIPE";
        case EAFNOSUPPORT: return "EAFNOSUPPORT";
        default: return "E?";
    }
}
