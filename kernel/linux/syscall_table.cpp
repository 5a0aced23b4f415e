// The system-call table: every x86-64 Linux system call by number and name (numbers from
// Linux's arch/x86/entry/syscalls/syscall_64.tbl). An entry without a handler is known by name
// only, so a program that calls it gets ENOSYS and the log names what it wanted. The socket,
// process and poll families go through features/feature_hooks.h, as each kernel variant
// serves them.
#include <features/feature_hooks.h>
#include <linux/rt_sigreturn.h>
#include <linux/sys_families.h>
#include <linux/sys_fs.h>
#include <linux/syscall.h>

#include <array>
#include <cstddef>
#include <string_view>

namespace ingot {
namespace {

struct NumberedEntry {
    uint64_t nr;
    const char* name;
    SyscallHandler handler;
};

constexpr NumberedEntry kEntries[] = {
    {0, "read", sys_read},
    {1, "write", sys_write},
    {2, "open", sys_open},
    {3, "close", sys_close},
    {4, "stat", sys_stat},
    {5, "fstat", sys_fstat},
    {6, "lstat", sys_lstat},
    {7, "poll", image_sys_poll},
    {8, "lseek", sys_lseek},
    {9, "mmap", sys_mmap},
    {10, "mprotect", sys_mprotect},
    {11, "munmap", sys_munmap},
    {12, "brk", sys_brk},
    {13, "rt_sigaction", sys_rt_sigaction},
    {14, "rt_sigprocmask", sys_rt_sigprocmask},
    {15, "rt_sigreturn", sys_rt_sigreturn},
    {16, "ioctl", sys_ioctl},
    {17, "pread64", sys_pread64},
    {18, "pwrite64", sys_pwrite64},
    {19, "readv", sys_readv},
    {20, "writev", sys_writev},
    {21, "access", sys_access},
    {22, "pipe", sys_pipe},
    {23, "select", image_sys_select},
    {24, "sched_yield", sys_sched_yield},
    {25, "mremap", sys_mremap},
    {26, "msync", nullptr},
    {27, "mincore", nullptr},
    {28, "madvise", sys_madvise},
    {29, "shmget", nullptr},
    {30, "shmat", nullptr},
    {31, "shmctl", nullptr},
    {32, "dup", sys_dup},
    {33, "dup2", sys_dup2},
    {34, "pause", sys_pause},
    {35, "nanosleep", sys_nanosleep},
    {36, "getitimer", sys_getitimer},
    {37, "alarm", sys_alarm},
    {38, "setitimer", sys_setitimer},
    {39, "getpid", sys_getpid},
    {40, "sendfile", sys_sendfile},
    {41, "socket", image_sys_socket},
    {42, "connect", image_sys_connect},
    {43, "accept", image_sys_accept},
    {44, "sendto", image_sys_sendto},
    {45, "recvfrom", image_sys_recvfrom},
    {46, "sendmsg", image_sys_sendmsg},
    {47, "recvmsg", image_sys_recvmsg},
    {48, "shutdown", image_sys_shutdown},
    {49, "bind", image_sys_bind},
    {50, "listen", image_sys_listen},
    {51, "getsockname", image_sys_getsockname},
    {52, "getpeername", image_sys_getpeername},
    {53, "socketpair", image_sys_socketpair},
    {54, "setsockopt", image_sys_setsockopt},
    {55, "getsockopt", image_sys_getsockopt},
    {56, "clone", sys_clone},
    {57, "fork", sys_fork},
    {58, "vfork", sys_vfork},
    {59, "execve", image_sys_execve},
    {60, "exit", sys_exit},
    {61, "wait4", sys_wait4},
    {62, "kill", sys_kill},
    {63, "uname", sys_uname},
    {64, "semget", nullptr},
    {65, "semop", nullptr},
    {66, "semctl", nullptr},
    {67, "shmdt", nullptr},
    {68, "msgget", nullptr},
    {69, "msgsnd", nullptr},
    {70, "msgrcv", nullptr},
    {71, "msgctl", nullptr},
    {72, "fcntl", sys_fcntl},
    {73, "flock", nullptr},
    {74, "fsync", sys_fsync},
    {75, "fdatasync", sys_fdatasync},
    {76, "truncate", sys_truncate},
    {77, "ftruncate", sys_ftruncate},
    {78, "getdents", nullptr},
    {79, "getcwd", sys_getcwd},
    {80, "chdir", sys_chdir},
    {81, "fchdir", sys_fchdir},
    {82, "rename", sys_rename},
    {83, "mkdir", sys_mkdir},
    {84, "rmdir", sys_rmdir},
    {85, "creat", sys_creat},
    {86, "link", sys_link},
    {87, "unlink", sys_unlink},
    {88, "symlink", sys_symlink},
    {89, "readlink", sys_readlink},
    {90, "chmod", sys_chmod},
    {91, "fchmod", sys_fchmod},
    {92, "chown", sys_chown},
    {93, "fchown", sys_fchown},
    {94, "lchown", sys_lchown},
    {95, "umask", sys_umask},
    {96, "gettimeofday", sys_gettimeofday},
    {97, "getrlimit", sys_getrlimit},
    {98, "getrusage", sys_getrusage},
    {99, "sysinfo", sys_sysinfo},
    {100, "times", sys_times},
    {101, "ptrace", nullptr},
    {102, "getuid", sys_getuid},
    {103, "syslog", nullptr},
    {104, "getgid", sys_getgid},
    {105, "setuid", sys_setuid},
    {106, "setgid", sys_setgid},
    {107, "geteuid", sys_geteuid},
    {108, "getegid", sys_getegid},
    {109, "setpgid", sys_setpgid},
    {110, "getppid", sys_getppid},
    {111, "getpgrp", sys_getpgrp},
    {112, "setsid", sys_setsid},
    {113, "setreuid", sys_setreuid},
    {114, "setregid", sys_setregid},
    {115, "getgroups", sys_getgroups},
    {116, "setgroups", sys_setgroups},
    {117, "setresuid", sys_setresuid},
    {118, "getresuid", sys_getresuid},
    {119, "setresgid", sys_setresgid},
    {120, "getresgid", sys_getresgid},
    {121, "getpgid", sys_getpgid},
    {122, "setfsuid", nullptr},
    {123, "setfsgid", nullptr},
    {124, "getsid", sys_getsid},
    {125, "capget", nullptr},
    {126, "capset", nullptr},
    {127, "rt_sigpending", sys_rt_sigpending},
    {128, "rt_sigtimedwait", nullptr},
    {129, "rt_sigqueueinfo", nullptr},
    {130, "rt_sigsuspend", sys_rt_sigsuspend},
    {131, "sigaltstack", sys_sigaltstack},
    {132, "utime", nullptr},
    {133, "mknod", nullptr},
    {134, "uselib", nullptr},
    {135, "personality", nullptr},
    {136, "ustat", nullptr},
    {137, "statfs", sys_statfs},
    {138, "fstatfs", sys_fstatfs},
    {139, "sysfs", nullptr},
    {140, "getpriority", nullptr},
    {141, "setpriority", nullptr},
    {142, "sched_setparam", nullptr},
    {143, "sched_getparam", nullptr},
    {144, "sched_setscheduler", nullptr},
    {145, "sched_getscheduler", nullptr},
    {146, "sched_get_priority_max", nullptr},
    {147, "sched_get_priority_min", nullptr},
    {148, "sched_rr_get_interval", nullptr},
    {149, "mlock", nullptr},
    {150, "munlock", nullptr},
    {151, "mlockall", nullptr},
    {152, "munlockall", nullptr},
    {153, "vhangup", nullptr},
    {154, "modify_ldt", nullptr},
    {155, "pivot_root", nullptr},
    {156, "_sysctl", nullptr},
    {157, "prctl", sys_prctl},
    {158, "arch_prctl", sys_arch_prctl},
    {159, "adjtimex", nullptr},
    {160, "setrlimit", nullptr},
    {161, "chroot", nullptr},
    {162, "sync", sys_sync},
    {163, "acct", nullptr},
    {164, "settimeofday", nullptr},
    {165, "mount", nullptr},
    {166, "umount2", nullptr},
    {167, "swapon", nullptr},
    {168, "swapoff", nullptr},
    {169, "reboot", nullptr},
    {170, "sethostname", nullptr},
    {171, "setdomainname", nullptr},
    {172, "iopl", nullptr},
    {173, "ioperm", nullptr},
    {174, "create_module", nullptr},
    {175, "init_module", nullptr},
    {176, "delete_module", nullptr},
    {177, "get_kernel_syms", nullptr},
    {178, "query_module", nullptr},
    {179, "quotactl", nullptr},
    {180, "nfsservctl", nullptr},
    {181, "getpmsg", nullptr},
    {182, "putpmsg", nullptr},
    {183, "afs_syscall", nullptr},
    {184, "tuxcall", nullptr},
    {185, "security", nullptr},
    {186, "gettid", sys_gettid},
    {187, "readahead", nullptr},
    {188, "setxattr", nullptr},
    {189, "lsetxattr", nullptr},
    {190, "fsetxattr", nullptr},
    {191, "getxattr", nullptr},
    {192, "lgetxattr", nullptr},
    {193, "fgetxattr", nullptr},
    {194, "listxattr", nullptr},
    {195, "llistxattr", nullptr},
    {196, "flistxattr", nullptr},
    {197, "removexattr", nullptr},
    {198, "lremovexattr", nullptr},
    {199, "fremovexattr", nullptr},
    {200, "tkill", sys_tkill},
    {201, "time", sys_time},
    {202, "futex", sys_futex},
    {203, "sched_setaffinity", sys_sched_setaffinity},
    {204, "sched_getaffinity", sys_sched_getaffinity},
    {205, "set_thread_area", nullptr},
    {206, "io_setup", nullptr},
    {207, "io_destroy", nullptr},
    {208, "io_getevents", nullptr},
    {209, "io_submit", nullptr},
    {210, "io_cancel", nullptr},
    {211, "get_thread_area", nullptr},
    {212, "lookup_dcookie", nullptr},
    {213, "epoll_create", image_sys_epoll_create},
    {214, "epoll_ctl_old", nullptr},
    {215, "epoll_wait_old", nullptr},
    {216, "remap_file_pages", nullptr},
    {217, "getdents64", sys_getdents64},
    {218, "set_tid_address", sys_set_tid_address},
    {219, "restart_syscall", nullptr},
    {220, "semtimedop", nullptr},
    {221, "fadvise64", sys_fadvise64},
    {222, "timer_create", nullptr},
    {223, "timer_settime", nullptr},
    {224, "timer_gettime", nullptr},
    {225, "timer_getoverrun", nullptr},
    {226, "timer_delete", nullptr},
    {227, "clock_settime", nullptr},
    {228, "clock_gettime", sys_clock_gettime},
    {229, "clock_getres", sys_clock_getres},
    {230, "clock_nanosleep", sys_clock_nanosleep},
    {231, "exit_group", sys_exit_group},
    {232, "epoll_wait", image_sys_epoll_wait},
    {233, "epoll_ctl", image_sys_epoll_ctl},
    {234, "tgkill", sys_tgkill},
    {235, "utimes", nullptr},
    {236, "vserver", nullptr},
    {237, "mbind", nullptr},
    {238, "set_mempolicy", nullptr},
    {239, "get_mempolicy", nullptr},
    {240, "mq_open", nullptr},
    {241, "mq_unlink", nullptr},
    {242, "mq_timedsend", nullptr},
    {243, "mq_timedreceive", nullptr},
    {244, "mq_notify", nullptr},
    {245, "mq_getsetattr", nullptr},
    {246, "kexec_load", nullptr},
    {247, "waitid", sys_waitid},
    {248, "add_key", nullptr},
    {249, "request_key", nullptr},
    {250, "keyctl", nullptr},
    {251, "ioprio_set", nullptr},
    {252, "ioprio_get", nullptr},
    {253, "inotify_init", nullptr},
    {254, "inotify_add_watch", nullptr},
    {255, "inotify_rm_watch", nullptr},
    {256, "migrate_pages", nullptr},
    {257, "openat", sys_openat},
    {258, "mkdirat", sys_mkdirat},
    {259, "mknodat", nullptr},
    {260, "fchownat", sys_fchownat},
    {261, "futimesat", nullptr},
    {262, "newfstatat", sys_newfstatat},
    {263, "unlinkat", sys_unlinkat},
    {264, "renameat", sys_renameat},
    {265, "linkat", sys_linkat},
    {266, "symlinkat", sys_symlinkat},
    {267, "readlinkat", sys_readlinkat},
    {268, "fchmodat", sys_fchmodat},
    {269, "faccessat", sys_faccessat},
    {270, "pselect6", image_sys_pselect6},
    {271, "ppoll", image_sys_ppoll},
    {272, "unshare", nullptr},
    {273, "set_robust_list", sys_set_robust_list},
    {274, "get_robust_list", sys_get_robust_list},
    {275, "splice", nullptr},
    {276, "tee", nullptr},
    {277, "sync_file_range", nullptr},
    {278, "vmsplice", nullptr},
    {279, "move_pages", nullptr},
    {280, "utimensat", sys_utimensat},
    {281, "epoll_pwait", image_sys_epoll_pwait},
    {282, "signalfd", nullptr},
    {283, "timerfd_create", nullptr},
    {284, "eventfd", image_sys_eventfd},
    {285, "fallocate", sys_fallocate},
    {286, "timerfd_settime", nullptr},
    {287, "timerfd_gettime", nullptr},
    {288, "accept4", image_sys_accept4},
    {289, "signalfd4", nullptr},
    {290, "eventfd2", image_sys_eventfd2},
    {291, "epoll_create1", image_sys_epoll_create1},
    {292, "dup3", sys_dup3},
    {293, "pipe2", sys_pipe2},
    {294, "inotify_init1", nullptr},
    {295, "preadv", sys_preadv},
    {296, "pwritev", sys_pwritev},
    {297, "rt_tgsigqueueinfo", nullptr},
    {298, "perf_event_open", nullptr},
    {299, "recvmmsg", nullptr},
    {300, "fanotify_init", nullptr},
    {301, "fanotify_mark", nullptr},
    {302, "prlimit64", sys_prlimit64},
    {303, "name_to_handle_at", nullptr},
    {304, "open_by_handle_at", nullptr},
    {305, "clock_adjtime", nullptr},
    {306, "syncfs", sys_syncfs},
    {307, "sendmmsg", nullptr},
    {308, "setns", nullptr},
    {309, "getcpu", sys_getcpu},
    {310, "process_vm_readv", nullptr},
    {311, "process_vm_writev", nullptr},
    {312, "kcmp", nullptr},
    {313, "finit_module", nullptr},
    {314, "sched_setattr", nullptr},
    {315, "sched_getattr", nullptr},
    {316, "renameat2", sys_renameat2},
    {317, "seccomp", nullptr},
    {318, "getrandom", sys_getrandom},
    {319, "memfd_create", nullptr},
    {320, "kexec_file_load", nullptr},
    {321, "bpf", nullptr},
    {322, "execveat", nullptr},
    {323, "userfaultfd", nullptr},
    {324, "membarrier", nullptr},
    {325, "mlock2", nullptr},
    {326, "copy_file_range", nullptr},
    {327, "preadv2", nullptr},
    {328, "pwritev2", nullptr},
    {329, "pkey_mprotect", nullptr},
    {330, "pkey_alloc", nullptr},
    {331, "pkey_free", nullptr},
    {332, "statx", sys_statx},
    {333, "io_pgetevents", nullptr},
    {334, "rseq", sys_rseq},
    {424, "pidfd_send_signal", nullptr},
    {425, "io_uring_setup", nullptr},
    {426, "io_uring_enter", nullptr},
    {427, "io_uring_register", nullptr},
    {428, "open_tree", nullptr},
    {429, "move_mount", nullptr},
    {430, "fsopen", nullptr},
    {431, "fsconfig", nullptr},
    {432, "fsmount", nullptr},
    {433, "fspick", nullptr},
    {434, "pidfd_open", nullptr},
    {435, "clone3", sys_clone3},
    {436, "close_range", sys_close_range},
    {437, "openat2", nullptr},
    {438, "pidfd_getfd", nullptr},
    {439, "faccessat2", sys_faccessat2},
    {440, "process_madvise", nullptr},
    {441, "epoll_pwait2", nullptr},
    {442, "mount_setattr", nullptr},
    {443, "quotactl_fd", nullptr},
    {444, "landlock_create_ruleset", nullptr},
    {445, "landlock_add_rule", nullptr},
    {446, "landlock_restrict_self", nullptr},
    {447, "memfd_secret", nullptr},
    {448, "process_mrelease", nullptr},
    {449, "futex_waitv", nullptr},
    {450, "set_mempolicy_home_node", nullptr},
};

// The table is packed, as it is in every image: the handlers in one array with a one-byte index
// into it per number (more than half of the numbers have no handler), and the names in one
// block of NUL-terminated strings in number order, which only messages read (a table of {name
// pointer, handler} pairs for 512 numbers took 8 KiB). The longest run of numbers without a
// call (335-423 on x86-64: Linux numbers the calls added since then alike on every
// architecture, from 424) has no slots.
constexpr bool kInNumberOrder = [] {
    for (size_t i = 1; i < std::size(kEntries); ++i)
        if (kEntries[i].nr <= kEntries[i - 1].nr) return false;
    return true;
}();
static_assert(kInNumberOrder, "kEntries is listed by number, each number once");
constexpr uint64_t kHighest = kEntries[std::size(kEntries) - 1].nr;

constexpr bool is_numbered(uint64_t nr) {
    for (const NumberedEntry& e : kEntries)
        if (e.nr == nr) return true;
    return false;
}
struct Gap {
    uint64_t start = 0, end = 0;  // numbers [start, end) have no call
};
constexpr Gap kGap = [] {
    Gap longest;
    for (uint64_t nr = 0; nr <= kHighest; ++nr) {
        if (is_numbered(nr)) continue;
        uint64_t end = nr;
        while (end <= kHighest && !is_numbered(end)) ++end;
        if (end - nr > longest.end - longest.start) longest = {nr, end};
        nr = end;
    }
    return longest;
}();
constexpr size_t kTableSize = kHighest + 1 - (kGap.end - kGap.start);
constexpr bool has_slot(uint64_t nr) { return nr <= kHighest && (nr < kGap.start || nr >= kGap.end); }
constexpr size_t slot_of(uint64_t nr) { return nr < kGap.start ? nr : nr - (kGap.end - kGap.start); }

// Every slot's name, an empty one for a number without a call.
constexpr size_t kNamesSize = [] {
    size_t size = kTableSize;
    for (const NumberedEntry& e : kEntries) size += std::string_view(e.name).size();
    return size;
}();

constexpr size_t kHandlerCount = [] {
    size_t count = 0;
    for (const NumberedEntry& e : kEntries) count += e.handler != nullptr;
    return count;
}();
constexpr uint8_t kNoHandler = 0;  // handler_numbers: 0 for none, else the handler's index + 1
static_assert(kHandlerCount < 0xFF, "handler numbers are 8 bits");

struct PackedTable {
    std::array<SyscallHandler, kHandlerCount> handlers{};
    std::array<uint8_t, kTableSize> handler_numbers{};
    std::array<char, kNamesSize> names{};
};

constexpr PackedTable build_table() {
    PackedTable table{};
    size_t at = 0, handler_count = 0, slot = 0;
    for (const NumberedEntry& e : kEntries) {
        for (; slot < slot_of(e.nr); ++slot) table.names[at++] = '\0';
        if (e.handler) {
            table.handlers[handler_count] = e.handler;
            table.handler_numbers[slot] = static_cast<uint8_t>(++handler_count);
        }
        for (char c : std::string_view(e.name)) table.names[at++] = c;
        table.names[at++] = '\0';
        ++slot;
    }
    return table;
}

constexpr PackedTable kTable = build_table();

}  // namespace

SyscallHandler syscall_handler(uint64_t nr) {
    if (!has_slot(nr)) return nullptr;
    uint8_t handler = kTable.handler_numbers[slot_of(nr)];
    return handler == kNoHandler ? nullptr : kTable.handlers[handler - 1];
}

const char* syscall_name(uint64_t nr) {
    if (!has_slot(nr)) return nullptr;
    const char* name = kTable.names.data();
    for (size_t slot = slot_of(nr); slot > 0; --slot)
        while (*name++ != '\0') {
        }
    return *name != '\0' ? name : nullptr;
}

}  // namespace ingot
