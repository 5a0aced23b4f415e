// The few places where the kernel reaches an optional part (image/kernel_features.h). Each is
// defined once per kernel variant in features/variant/feature_table.cpp: to the part itself
// when the variant has it, else to a stand-in, so that nothing else refers to the part and the
// linker leaves it out. The boot hooks (start_image_networking, finish_image_networking,
// find_image_disks, mount_image_disks) exist in kernel builds only (INGOT_KERNEL).
#pragma once

#include <fs/directory.h>
#include <image/boot_config.h>
#include <linux/syscall.h>
#include <proc/fork.h>

#include <cstdint>
#include <string_view>

namespace ingot {

// The image::KernelFeature bits this kernel was linked with.
uint32_t kernel_features();

// Brings up what networking this kernel has, as the boot options ask (net/network_setup.h):
// all of it, loopback alone, or nothing.
void start_image_networking(std::string_view command_line, const image::BootConfig& config);

// Before power-off: closes the program's descriptors and gives the network time to send what
// the program wrote, when this kernel has a network stack; nothing otherwise.
void finish_image_networking();

// The machine's disks (virtio-blk, /dev/vdX) and the ext2/ext4 file systems on them, when this
// kernel has the "block" feature. Without it no disk is looked for, /dev lists none, sync(2)
// has nothing to write back, and a boot that asks for a disk to be mounted ends.
//
// At boot, before the root file system: finds and registers the disks (the command line names
// the virtio-mmio ones).
void find_image_disks(std::string_view command_line);
// At boot, after the root file system: mounts the disks that the mount.N options name
// (block/disk_mount_requests.h); false, after one line in the log, when one cannot be.
bool mount_image_disks(const image::BootConfig& config);
// Adds the disks found to /dev (dev, a directory of fs).
void add_image_disk_files(Directory& dev, const RefPtr<FileSystem>& fs);
// sync(2): writes back the mounted disks and flushes every disk's write cache.
void sync_image_disks();
// Before power-off: writes back and cleanly unmounts the mounted disks.
void unmount_image_disks();

// The socket family's system calls (linux/sys_socket.h), as this kernel serves them.
#define INGOT_SOCKET_SYSCALLS(X)                                                                   \
    X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) X(connect) X(shutdown)          \
    X(getsockname) X(getpeername) X(sendto) X(recvfrom) X(sendmsg) X(recvmsg) X(setsockopt)        \
    X(getsockopt)
#define INGOT_DECLARE_IMAGE_SYSCALL(name) Result<int64_t> image_sys_##name(const SyscallArgs&);
INGOT_SOCKET_SYSCALLS(INGOT_DECLARE_IMAGE_SYSCALL)
#undef INGOT_DECLARE_IMAGE_SYSCALL

// New processes (fork, vfork, clone without CLONE_THREAD, posix_spawn), when this kernel has
// the "process" feature: proc/fork.h. Without it: ENOSYS, and the first refusal names the
// missing feature in the log.
Result<int> image_fork_process(const ForkRequest& request);

// The system calls of the "process" feature besides process creation: a new program in the
// calling process.
#define INGOT_PROCESS_SYSCALLS(X) X(execve)
// The readiness and wake-up calls of the "poll" feature (linux/sys_poll.h).
#define INGOT_POLL_SYSCALLS(X)                                                                     \
    X(poll) X(ppoll) X(select) X(pselect6) X(eventfd) X(eventfd2) X(epoll_create) X(epoll_create1) \
    X(epoll_ctl) X(epoll_wait) X(epoll_pwait)
#define INGOT_DECLARE_IMAGE_SYSCALL(name) Result<int64_t> image_sys_##name(const SyscallArgs&);
INGOT_PROCESS_SYSCALLS(INGOT_DECLARE_IMAGE_SYSCALL)
INGOT_POLL_SYSCALLS(INGOT_DECLARE_IMAGE_SYSCALL)
#undef INGOT_DECLARE_IMAGE_SYSCALL

// The stand-ins of a kernel without "process" or "poll" (features/missing_syscalls.cpp): the
// call fails with ENOSYS, as on a Linux built without it (CONFIG_EPOLL=n), and the first
// refusal of each feature names it in the log.
Result<int> refuse_process_creation();
Result<int64_t> refuse_process_syscall(const SyscallArgs& args);
Result<int64_t> refuse_poll_syscall(const SyscallArgs& args);

// The stand-ins of a kernel without "net" (features/socket_refusal.cpp): socket(2) and
// socketpair(2) fail with EAFNOSUPPORT, as on a Linux built without the address family; the
// calls that take a socket descriptor fail with EBADF or ENOTSOCK, since no socket can exist.
// The first refusal names the missing feature in the log.
Result<int64_t> refuse_socket_creation(const SyscallArgs& args);
Result<int64_t> refuse_socket_descriptor(const SyscallArgs& args);

}  // namespace ingot
