// User and group ids (credentials(7), setuid(2), setresuid(2), setgroups(2)): the rules Linux
// applies, with "privileged" meaning an effective user id of 0 (root holds CAP_SETUID and
// CAP_SETGID). Servers that start as root and drop to an unprivileged user (nginx's workers)
// rely on these calls succeeding; the ids grant or deny nothing else here.
#include <linux/sys_families.h>
#include <mm/user_memory.h>
#include <proc/process.h>

#include <vector>

namespace ingot {
namespace {

constexpr uint32_t kUnchanged = 0xFFFFFFFFu;  // (uid_t) -1
constexpr uint64_t kMaxGroups = 65536;        // NGROUPS_MAX

struct IdSet {
    uint32_t& real;
    uint32_t& effective;
    uint32_t& saved;
};

IdSet user_ids(Process& p) { return {p.uid, p.euid, p.suid}; }
IdSet group_ids(Process& p) { return {p.gid, p.egid, p.sgid}; }
bool privileged(const Process& p) { return p.euid == 0; }

bool is_one_of(uint32_t id, const IdSet& ids) { return id == ids.real || id == ids.effective || id == ids.saved; }

// setresuid/setresgid: an unprivileged caller may only pick among its current three ids.
Result<int64_t> set_ids(IdSet ids, uint32_t real, uint32_t effective, uint32_t saved, bool may_set_any) {
    for (uint32_t id : {real, effective, saved})
        if (id != kUnchanged && !may_set_any && !is_one_of(id, ids)) return Errno::EPERM;
    if (real != kUnchanged) ids.real = real;
    if (effective != kUnchanged) ids.effective = effective;
    if (saved != kUnchanged) ids.saved = saved;
    return 0;
}

// setuid/setgid: a privileged caller sets all three; otherwise only the effective id, to the
// real or saved one.
Result<int64_t> set_id(IdSet ids, uint32_t id, bool may_set_any) {
    if (id == kUnchanged) return Errno::EINVAL;
    if (may_set_any) return set_ids(ids, id, id, id, true);
    if (id != ids.real && id != ids.saved) return Errno::EPERM;
    ids.effective = id;
    return 0;
}

// setreuid/setregid: as setresuid, with the saved id following the new effective one when the
// real id is set or the effective id differs from the old real id.
Result<int64_t> set_real_effective(IdSet ids, uint32_t real, uint32_t effective, bool may_set_any) {
    uint32_t old_real = ids.real;
    if (!may_set_any) {
        if (real != kUnchanged && real != ids.real && real != ids.effective) return Errno::EPERM;
        if (effective != kUnchanged && !is_one_of(effective, ids)) return Errno::EPERM;
    }
    if (real != kUnchanged) ids.real = real;
    if (effective != kUnchanged) ids.effective = effective;
    if (real != kUnchanged || (effective != kUnchanged && effective != old_real)) ids.saved = ids.effective;
    return 0;
}

Result<int64_t> get_ids(const IdSet& ids, const SyscallArgs& a) {
    TRY(write_user(a.a[0], ids.real));
    TRY(write_user(a.a[1], ids.effective));
    TRY(write_user(a.a[2], ids.saved));
    return 0;
}

uint32_t id_arg(uint64_t raw) { return static_cast<uint32_t>(raw); }

}  // namespace

Result<int64_t> sys_getuid(const SyscallArgs&) { return current_process().uid; }
Result<int64_t> sys_geteuid(const SyscallArgs&) { return current_process().euid; }
Result<int64_t> sys_getgid(const SyscallArgs&) { return current_process().gid; }
Result<int64_t> sys_getegid(const SyscallArgs&) { return current_process().egid; }

Result<int64_t> sys_setuid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_id(user_ids(p), id_arg(a.a[0]), privileged(p));
}

Result<int64_t> sys_setgid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_id(group_ids(p), id_arg(a.a[0]), privileged(p));
}

Result<int64_t> sys_setreuid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_real_effective(user_ids(p), id_arg(a.a[0]), id_arg(a.a[1]), privileged(p));
}

Result<int64_t> sys_setregid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_real_effective(group_ids(p), id_arg(a.a[0]), id_arg(a.a[1]), privileged(p));
}

Result<int64_t> sys_setresuid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_ids(user_ids(p), id_arg(a.a[0]), id_arg(a.a[1]), id_arg(a.a[2]), privileged(p));
}

Result<int64_t> sys_setresgid(const SyscallArgs& a) {
    Process& p = current_process();
    return set_ids(group_ids(p), id_arg(a.a[0]), id_arg(a.a[1]), id_arg(a.a[2]), privileged(p));
}

Result<int64_t> sys_getresuid(const SyscallArgs& a) { return get_ids(user_ids(current_process()), a); }
Result<int64_t> sys_getresgid(const SyscallArgs& a) { return get_ids(group_ids(current_process()), a); }

Result<int64_t> sys_getgroups(const SyscallArgs& a) {
    const std::vector<uint32_t>& groups = current_process().groups;
    auto size = static_cast<int32_t>(a.a[0]);
    if (size < 0) return Errno::EINVAL;
    if (size == 0) return static_cast<int64_t>(groups.size());
    if (static_cast<size_t>(size) < groups.size()) return Errno::EINVAL;
    TRY(copy_to_user(a.a[1], groups.data(), groups.size() * sizeof(uint32_t)));
    return static_cast<int64_t>(groups.size());
}

Result<int64_t> sys_setgroups(const SyscallArgs& a) {
    Process& p = current_process();
    uint64_t size = a.a[0];
    if (size > kMaxGroups) return Errno::EINVAL;
    if (!privileged(p)) return Errno::EPERM;
    std::vector<uint32_t> groups(size);
    TRY(copy_from_user(groups.data(), a.a[1], size * sizeof(uint32_t)));
    p.groups = std::move(groups);
    return 0;
}

}  // namespace ingot
