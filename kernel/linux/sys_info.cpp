// What the program can learn about the machine: uname(2), sysinfo(2), getrandom(2).
#include <lib/clock.h>
#include <lib/random.h>
#include <linux/sys_families.h>
#include <mm/kernel_heap.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>
#include <mm/user_memory.h>
#include <proc/host_name.h>

#include <cstring>

namespace ingot {
namespace {

struct Utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

// glibc refuses to start on kernels it considers too old (it reads the release number), so
// Ingot names the Linux ABI level it implements.
constexpr const char* kRelease = "6.1.0-ingot";

struct Sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char padding[4];
};
static_assert(sizeof(Sysinfo) == 112, "struct sysinfo on x86-64");

constexpr unsigned kGrndNonblock = 1, kGrndRandom = 2, kGrndInsecure = 4;

}  // namespace

Result<int64_t> sys_uname(const SyscallArgs& a) {
    Utsname u{};
    strcpy(u.sysname, "Linux");  // the ABI the program talks to; programs branch on it
    memcpy(u.nodename, machine_host_name.data(), machine_host_name.size());
    strcpy(u.release, kRelease);
    strcpy(u.version, "#1 Ingot unikernel");
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    TRY(write_user(a.a[0], u));
    return 0;
}

Result<int64_t> sys_sysinfo(const SyscallArgs& a) {
    Sysinfo info{};
    info.uptime = static_cast<int64_t>(monotonic_ns() / kNanosPerSecond);
    info.totalram = physical_pages().total_pages() * kPageSize;
    info.freeram = physical_pages().free_pages() * kPageSize;
    info.bufferram = reclaimable_pages() * kPageSize;  // disk caches, given back on demand
    info.procs = 1;
    info.mem_unit = 1;
    TRY(write_user(a.a[0], info));
    return 0;
}

Result<int64_t> sys_getrandom(const SyscallArgs& a) {
    uint64_t buffer = a.a[0], length = a.a[1];
    unsigned flags = static_cast<unsigned>(a.a[2]);
    if (flags & ~(kGrndNonblock | kGrndRandom | kGrndInsecure)) return Errno::EINVAL;
    if ((flags & kGrndRandom) && (flags & kGrndInsecure)) return Errno::EINVAL;
    if (length > 0x1FFFFFF) length = 0x1FFFFFF;  // Linux caps one call at 32 MiB - 1
    uint8_t chunk[256];
    for (uint64_t done = 0; done < length;) {
        uint64_t n = length - done < sizeof(chunk) ? length - done : sizeof(chunk);
        fill_random(chunk, n);
        TRY(copy_to_user(buffer + done, chunk, n));
        done += n;
    }
    return static_cast<int64_t>(length);
}

}  // namespace ingot
