// The socket family in a kernel linked without the "net" feature (features/feature_hooks.h).
#include <features/feature_hooks.h>
#include <lib/log.h>
#include <linux/sys_fs_util.h>

namespace ingot {
namespace {

// One line, the first time a program reaches for a socket: why it failed and what to do.
void log_missing_network(uint64_t nr) {
    static bool logged = false;
    if (logged) return;
    logged = true;
    log_error("socket call %lu refused: this image has no network stack (the program showed no use of sockets "
              "when it was built; rebuild it with `ingot build --with net`)",
              nr);
}

}  // namespace

Result<int64_t> refuse_socket_creation(const SyscallArgs& args) {
    log_missing_network(args.nr);
    return Errno::EAFNOSUPPORT;
}

Result<int64_t> refuse_socket_descriptor(const SyscallArgs& args) {
    log_missing_network(args.nr);
    TRY(sys_fs::file_arg(args.a[0]));
    return Errno::ENOTSOCK;
}

}  // namespace ingot
