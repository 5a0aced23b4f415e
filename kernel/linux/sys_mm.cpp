// Memory system calls: brk(2), mmap(2), munmap(2), mprotect(2), mremap(2), madvise(2).
// Private file mappings are copies of the file taken at mmap time (no page cache yet), which
// is exactly what a private mapping promises as long as nobody writes the file meanwhile.
#include <fs/fs_context.h>
#include <lib/align.h>
#include <linux/sys_families.h>
#include <mm/address_space.h>
#include <mm/physical_memory.h>
#include <mm/user_memory.h>

#include <vector>

namespace ingot {
namespace {

// mmap flags (asm-generic/mman-common.h, x86).
constexpr uint64_t kMapShared = 0x01, kMapPrivate = 0x02, kMapSharedValidate = 0x03, kMapTypeMask = 0x0F,
                   kMapFixed = 0x10, kMapAnonymous = 0x20, kMapGrowsDown = 0x100, kMapDenyWrite = 0x800,
                   kMapExecutable = 0x1000, kMapLocked = 0x2000, kMapNoReserve = 0x4000, kMapPopulate = 0x8000,
                   kMapNonBlock = 0x10000, kMapStack = 0x20000, kMapHugeTlb = 0x40000, kMapSync = 0x80000,
                   kMapFixedNoReplace = 0x100000, kMap32Bit = 0x40;
constexpr uint64_t kKnownMapFlags = kMapTypeMask | kMapFixed | kMapAnonymous | kMapGrowsDown | kMapDenyWrite |
                                    kMapExecutable | kMapLocked | kMapNoReserve | kMapPopulate | kMapNonBlock |
                                    kMapStack | kMapHugeTlb | kMapSync | kMapFixedNoReplace | kMap32Bit;
constexpr uint64_t kProtMask = kProtRead | kProtWrite | kProtExec;
constexpr uint64_t kMremapMayMove = 1, kMremapFixed = 2, kMremapDontUnmap = 4;
constexpr int kMadvDontNeed = 4, kMadvFree = 8, kMadvRemove = 9;

Result<std::vector<uint8_t>> read_file_range(int fd, uint64_t offset, uint64_t len, uint64_t prot, uint64_t type) {
    OpenFileRef file = TRY(file_for_fd(fd));
    if (!file->is_regular_file()) return Errno::ENODEV;
    if (!file->can_read()) return Errno::EACCES;
    // A writable shared mapping would have to write back to the file; without a page cache
    // that cannot be honoured, so it is refused rather than silently made private.
    if (type != kMapPrivate && (prot & kProtWrite)) return Errno::ENODEV;
    uint64_t size = file->size();
    uint64_t available = offset < size ? size - offset : 0;
    std::vector<uint8_t> content(available < len ? available : len);
    size_t got = TRY(file->read_at(offset, std::span<uint8_t>(content)));
    content.resize(got);
    return content;
}

}  // namespace

Result<int64_t> sys_brk(const SyscallArgs& a) {
    AddressSpace& space = current_address_space();
    return static_cast<int64_t>(a.a[0] ? space.set_brk(a.a[0]) : space.brk());
}

Result<int64_t> sys_mmap(const SyscallArgs& a) {
    uint64_t addr = a.a[0], len = a.a[1], prot = a.a[2], flags = a.a[3], offset = a.a[5];
    int fd = static_cast<int>(a.a[4]);
    uint64_t type = flags & kMapTypeMask;
    if (len == 0 || (offset & (kPageSize - 1)) || (prot & ~kProtMask)) return Errno::EINVAL;
    if (type != kMapShared && type != kMapPrivate && type != kMapSharedValidate) return Errno::EINVAL;
    if (type == kMapSharedValidate && (flags & ~kKnownMapFlags)) return Errno::EOPNOTSUPP;
    if (flags & kMapHugeTlb) return Errno::EINVAL;  // no huge pages configured
    auto rounded = checked_align_up(len, kPageSize);
    if (!rounded || *rounded > kUserSpaceEnd) return Errno::ENOMEM;
    len = *rounded;
    if (type == kMapSharedValidate) type = kMapShared;

    AddressSpace& space = current_address_space();
    bool fixed = flags & (kMapFixed | kMapFixedNoReplace);
    if (fixed && (addr & (kPageSize - 1))) return Errno::EINVAL;
    if (fixed && !is_user_range(addr, len)) return Errno::ENOMEM;
    if ((flags & kMapFixedNoReplace)) {
        for (const Vma& vma : space.regions().regions())
            if (vma.start < addr + len && addr < vma.end) return Errno::EEXIST;
    }
    uint64_t start = fixed ? addr : TRY(space.find_free(len, align_up(addr, kPageSize)));

    if ((flags & kMapAnonymous) && type == kMapShared) {
        TRY(space.map_shared_anonymous(start, len, static_cast<uint32_t>(prot)));
    } else if (flags & kMapAnonymous) {
        TRY(space.map_anonymous(start, len, static_cast<uint32_t>(prot), VmaKind::Anonymous,
                                (flags & kMapStack) ? "[stack]" : "[anon]"));
    } else {
        std::vector<uint8_t> content = TRY(read_file_range(fd, offset, len, prot, type));
        TRY(space.map_anonymous(start, len, static_cast<uint32_t>(prot), VmaKind::FileCopy, "[file]"));
        TRY(space.fill(start, content));
    }
    if (flags & kMapPopulate) {
        // Touch every page now, as MAP_POPULATE asks; failures surface later as faults.
        for (uint64_t page = start; page < start + len; page += kPageSize)
            (void)space.handle_fault(page, Access::Read);
    }
    return static_cast<int64_t>(start);
}

Result<int64_t> sys_munmap(const SyscallArgs& a) {
    uint64_t addr = a.a[0], len = a.a[1];
    if ((addr & (kPageSize - 1)) || len == 0 || !is_user_range(addr, len)) return Errno::EINVAL;
    TRY(current_address_space().unmap(addr, len));
    return 0;
}

Result<int64_t> sys_mprotect(const SyscallArgs& a) {
    uint64_t addr = a.a[0], len = a.a[1], prot = a.a[2];
    constexpr uint64_t kProtGrowsDown = 0x01000000, kProtGrowsUp = 0x02000000;
    if ((addr & (kPageSize - 1)) || (prot & ~(kProtMask | kProtGrowsDown | kProtGrowsUp))) return Errno::EINVAL;
    if (len == 0) return 0;
    auto rounded = checked_align_up(len, kPageSize);
    if (!rounded || !is_user_range(addr, *rounded)) return Errno::ENOMEM;
    TRY(current_address_space().protect(addr, *rounded, static_cast<uint32_t>(prot & kProtMask)));
    return 0;
}

Result<int64_t> sys_mremap(const SyscallArgs& a) {
    uint64_t old_addr = a.a[0], old_len = a.a[1], new_len = a.a[2], flags = a.a[3];
    if (flags & ~(kMremapMayMove | kMremapFixed | kMremapDontUnmap)) return Errno::EINVAL;
    if (flags & (kMremapFixed | kMremapDontUnmap)) return Errno::EINVAL;  // not supported: say so plainly
    if ((old_addr & (kPageSize - 1)) || new_len == 0) return Errno::EINVAL;
    auto old_rounded = checked_align_up(old_len, kPageSize);
    auto new_rounded = checked_align_up(new_len, kPageSize);
    if (!old_rounded || !new_rounded || *old_rounded == 0) return Errno::EINVAL;
    if (!is_user_range(old_addr, *old_rounded) || *new_rounded > kUserSpaceEnd) return Errno::ENOMEM;
    return static_cast<int64_t>(
        TRY(current_address_space().remap(old_addr, *old_rounded, *new_rounded, flags & kMremapMayMove)));
}

Result<int64_t> sys_madvise(const SyscallArgs& a) {
    uint64_t addr = a.a[0], len = a.a[1];
    int advice = static_cast<int>(a.a[2]);
    if (addr & (kPageSize - 1)) return Errno::EINVAL;
    auto rounded = checked_align_up(len, kPageSize);
    if (!rounded || !is_user_range(addr, *rounded)) return Errno::EINVAL;
    if (*rounded == 0) return 0;
    if (advice == kMadvDontNeed || advice == kMadvFree) {
        TRY(current_address_space().discard(addr, *rounded));
        return 0;
    }
    if (advice == kMadvRemove) return Errno::EOPNOTSUPP;
    // Advice Linux knows (asm-generic/mman-common.h: 0-4, 8-23, 100, 101); anything else is EINVAL.
    bool known = (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 23) || advice == 100 || advice == 101;
    if (!known) return Errno::EINVAL;
    // Every other advice is a hint about future use; ignoring it is what a kernel without
    // swap or a page cache correctly does. The range must still be mapped.
    for (uint64_t page = addr; page < addr + *rounded; page += kPageSize)
        if (!current_address_space().regions().find(page)) return Errno::ENOMEM;
    return 0;
}

}  // namespace ingot
