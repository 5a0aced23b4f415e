#include <lib/errno.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ingot {

namespace {

struct NamedErrno {
    Errno value;
    std::string_view name;
};

constexpr NamedErrno kNamed[] = {
#define NAME(x) {Errno::x, #x},
    NAME(EPERM) NAME(ENOENT) NAME(ESRCH) NAME(EINTR) NAME(EIO) NAME(ENXIO) NAME(E2BIG)
    NAME(ENOEXEC) NAME(EBADF) NAME(ECHILD) NAME(EAGAIN) NAME(ENOMEM) NAME(EACCES)
    NAME(EFAULT) NAME(EBUSY) NAME(EEXIST) NAME(EXDEV) NAME(ENODEV) NAME(ENOTDIR)
    NAME(EISDIR) NAME(EINVAL) NAME(ENFILE) NAME(EMFILE) NAME(ENOTTY) NAME(EFBIG)
    NAME(ENOSPC) NAME(ESPIPE) NAME(EROFS) NAME(EMLINK) NAME(EPIPE) NAME(EDOM) NAME(ERANGE)
    NAME(EDEADLK) NAME(ENAMETOOLONG) NAME(ENOSYS) NAME(ENOTEMPTY) NAME(ELOOP) NAME(ENODATA)
    NAME(EBADMSG) NAME(EOVERFLOW) NAME(EILSEQ) NAME(ENOTSOCK) NAME(EOPNOTSUPP) NAME(EAFNOSUPPORT)
    NAME(EADDRINUSE) NAME(ECONNRESET) NAME(ETIMEDOUT) NAME(ECONNREFUSED)
    NAME(EPROTO) NAME(EDESTADDRREQ) NAME(EMSGSIZE) NAME(EPROTOTYPE) NAME(ENOPROTOOPT)
    NAME(EPROTONOSUPPORT) NAME(EADDRNOTAVAIL) NAME(ENETDOWN) NAME(ENETUNREACH)
    NAME(ECONNABORTED) NAME(ENOBUFS) NAME(EISCONN) NAME(ENOTCONN) NAME(EHOSTUNREACH)
    NAME(EALREADY) NAME(EINPROGRESS) NAME(ESOCKTNOSUPPORT)
#undef NAME
};

constexpr size_t kHighest = [] {
    size_t highest = 0;
    for (const NamedErrno& e : kNamed) highest = static_cast<size_t>(e.value) > highest ? static_cast<size_t>(e.value) : highest;
    return highest;
}();
constexpr size_t kTextSize = [] {
    size_t size = 0;
    for (const NamedErrno& e : kNamed) size += e.name.size() + 1;
    return size;
}();

// The names, NUL-terminated one after another, and where each errno's begins: a switch over
// the values would be a table of 8-byte pointers, this one is of 2-byte offsets.
struct PackedNames {
    uint16_t offsets[kHighest + 1] = {};  // 0: no name (the text starts with a name at 1)
    char text[kTextSize + 1] = {};
};

constexpr PackedNames kPacked = [] {
    PackedNames packed;
    size_t at = 1;
    for (const NamedErrno& e : kNamed) {
        packed.offsets[static_cast<size_t>(e.value)] = static_cast<uint16_t>(at);
        for (char c : e.name) packed.text[at++] = c;
        packed.text[at++] = '\0';
    }
    return packed;
}();

}  // namespace

const char* errno_name(Errno e) {
    auto value = static_cast<size_t>(e);
    if (value > kHighest || kPacked.offsets[value] == 0) return "E?";
    return &kPacked.text[kPacked.offsets[value]];
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
