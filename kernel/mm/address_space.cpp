#include <lib/align.h>
#include <mm/address_space.h>
#include <mm/frame_sharing.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>
#include <mm/user_memory.h>
#include <proc/cpus.h>

#include <cstring>
#include <new>
#include <vector>

namespace ingot {
namespace {

AddressSpace boot_address_space;
AddressSpace* active_spaces[kMaxCpus] = {};  // per CPU; nullptr: the boot address space

AddressSpace*& active_space_slot() { return active_spaces[current_cpu()]; }
AddressSpace* active_space() {
    AddressSpace* space = active_space_slot();
    return space ? space : &boot_address_space;
}

bool access_allowed(uint32_t prot, Access access) {
    switch (access) {
    case Access::Write: return prot & kProtWrite;
    case Access::Execute: return prot & kProtExec;
    case Access::Read: return prot != kProtNone;  // x86 cannot map write- or exec-only pages
    }
    return false;
}

Result<uint64_t> zeroed_page() {
    uint64_t phys = TRY(allocate_frames());
    memset(phys_to_virt(phys), 0, kPageSize);
    return phys;
}

// Unmaps and releases the populated pages of [start, end).
void release_range(uint64_t start, uint64_t end) {
    std::vector<uint64_t> pages;
    for_each_user_page(start, end, [&pages](uint64_t va, uint64_t) { pages.push_back(va); });
    std::vector<uint64_t> frames;
    frames.reserve(pages.size());
    for (uint64_t va : pages)
        if (auto phys = unmap_user_page(va)) frames.push_back(*phys);
    flush_other_cpus_tlb();  // no CPU may reach a frame through an old translation once it is free
    for (uint64_t phys : frames) frame_release(phys);
}

}  // namespace

AddressSpace& current_address_space() { return *active_space(); }
AddressSpace& kernel_address_space() { return boot_address_space; }

Result<void> handle_page_fault(uint64_t address, Access access) {
    return current_address_space().handle_fault(address, access);
}

void AddressSpace::set_layout(uint64_t stack_top) {
    stack_top_ = stack_top;
    mmap_top_ = stack_top - kStackLimit - kStackGuardGap;
}

AddressSpace::~AddressSpace() {
    if (active_space() == this && this != &boot_address_space) {
        activate_page_table(boot_page_table());
        active_space_slot() = &boot_address_space;
    }
}

uint64_t AddressSpace::root() const { return root_ == kBootRoot ? boot_page_table() : root_; }

void AddressSpace::activate() {
    activate_page_table(root());
    active_space_slot() = this;
}

void AddressSpace::release_pages(std::span<const Vma> removed) {
    for (const Vma& vma : removed) release_range(vma.start, vma.end);
}

Result<AddressSpace*> AddressSpace::create_empty() {
    auto* space = new (std::nothrow) AddressSpace;
    if (!space) return Errno::ENOMEM;
    auto root = create_page_table();
    if (!root.ok()) {
        delete space;
        return root.error();
    }
    space->root_ = root.value();
    return space;
}

Result<void> AddressSpace::map_shared_anonymous(uint64_t start, uint64_t len, uint32_t prot) {
    TRY(map_anonymous(start, len, prot, VmaKind::SharedAnonymous, "[shared]"));
    for (uint64_t page = start; page < start + len; page += kPageSize) {
        auto populated = populated_page(page, prot);
        if (!populated.ok()) {
            (void)unmap(start, len);
            return populated.error();
        }
    }
    return {};
}

Result<AddressSpace*> AddressSpace::fork_copy() {
    AddressSpace* child = TRY(create_empty());
    child->vmas_ = vmas_;
    child->stack_top_ = stack_top_;
    child->mmap_top_ = mmap_top_;
    child->brk_base_ = brk_base_;
    child->brk_ = brk_;
    // Every populated page becomes shared and read-only on both sides; the child's page table
    // is filled while it is active, then this one is active again.
    struct SharedPage {
        uint64_t va, phys;
        uint32_t prot;
    };
    std::vector<SharedPage> shared;
    for (const Vma& vma : vmas_.regions()) {
        // MAP_SHARED memory stays writable on both sides; everything else becomes copy-on-write.
        bool copy_on_write = vma.kind != VmaKind::SharedAnonymous;
        uint32_t prot = copy_on_write ? vma.prot & ~uint32_t{kProtWrite} : vma.prot;
        for_each_user_page(vma.start, vma.end, [&](uint64_t va, uint64_t phys) { shared.push_back({va, phys, prot}); });
    }
    for (const SharedPage& page : shared) protect_user_page(page.va, page.prot);
    uint64_t parent_root = root();
    activate_page_table(child->root());
    Result<void> copied;
    size_t done = 0;
    for (; done < shared.size() && copied.ok(); ++done) {
        copied = map_user_page(shared[done].va, shared[done].phys, shared[done].prot);
        if (copied.ok()) copied = frame_add_sharer(shared[done].phys);
    }
    activate_page_table(parent_root);
    if (!copied.ok()) {
        child->release_everything();
        delete child;
        return copied.error();
    }
    return child;
}

void AddressSpace::release_everything() {
    bool was_active = active_space() == this;
    uint64_t previous = active_page_table();
    activate_page_table(root());
    release_pages(vmas_.regions());
    vmas_ = VmaMap{};
    if (was_active) {
        // Whatever runs next activates its own; until then the boot table keeps the kernel mapped.
        activate_page_table(boot_page_table());
        active_space_slot() = &boot_address_space;
    } else {
        activate_page_table(previous);
    }
    if (root_ != kBootRoot) destroy_page_table(root_);
    root_ = kBootRoot;
}

Result<void> AddressSpace::map_anonymous(uint64_t start, uint64_t len, uint32_t prot, VmaKind kind,
                                         std::string_view name) {
    std::vector<Vma> removed;
    TRY(vmas_.map(start, len, prot, kind, name, &removed));
    release_pages(removed);
    return {};
}

// The frame behind page_address, owned by this address space alone: a shared frame is copied
// first (the copy-on-write break), a missing one is allocated zeroed.
Result<uint64_t> AddressSpace::private_page(uint64_t page_address, uint32_t prot) {
    auto existing = user_page_phys(page_address);
    if (!existing) return populated_page(page_address, prot);
    if (!frame_is_shared(*existing)) {
        protect_user_page(page_address, prot);
        return *existing;
    }
    uint64_t copy = TRY(allocate_frames());
    memcpy(phys_to_virt(copy), phys_to_virt(*existing), kPageSize);
    auto mapped = map_user_page(page_address, copy, prot);
    if (!mapped.ok()) {
        physical_pages().free(copy);
        return mapped.error();
    }
    flush_other_cpus_tlb();  // threads on other CPUs must see the copy, not the shared frame
    frame_release(*existing);
    return copy;
}

Result<uint64_t> AddressSpace::populated_page(uint64_t page_address, uint32_t prot) {
    if (auto existing = user_page_phys(page_address)) return *existing;
    uint64_t phys = TRY(zeroed_page());
    auto mapped = map_user_page(page_address, phys, prot);
    if (!mapped.ok()) {
        physical_pages().free(phys);
        return mapped.error();
    }
    return phys;
}

Result<void> AddressSpace::fill(uint64_t address, std::span<const uint8_t> content) {
    uint64_t end = address + content.size();
    for (uint64_t page = align_down(address, kPageSize); page < end; page += kPageSize) {
        const Vma* vma = vmas_.find(page);
        if (!vma) return Errno::EFAULT;
        uint64_t phys = TRY(private_page(page, vma->prot));
        uint64_t from = page > address ? page : address;
        uint64_t to = page + kPageSize < end ? page + kPageSize : end;
        memcpy(static_cast<uint8_t*>(phys_to_virt(phys)) + (from - page), content.data() + (from - address), to - from);
    }
    return {};
}

Result<uint64_t> AddressSpace::find_free(uint64_t len, uint64_t hint) const {
    return vmas_.find_free(len, hint, kMmapLowLimit, mmap_top_);
}

Result<void> AddressSpace::unmap(uint64_t start, uint64_t len) {
    std::vector<Vma> removed;
    TRY(vmas_.unmap(start, len, &removed));
    release_pages(removed);
    return {};
}

Result<void> AddressSpace::protect(uint64_t start, uint64_t len, uint32_t prot) {
    TRY(vmas_.protect(start, len, prot));
    uint64_t end = start + align_up(len, kPageSize);
    // Only populated pages have entries to change; the rest fault in with the new protection.
    // A shared frame stays read-only whatever the region allows: the first write copies it.
    struct Page {
        uint64_t va;
        bool shared;
    };
    std::vector<Page> pages;
    for_each_user_page(start, end, [&](uint64_t va, uint64_t phys) {
        const Vma* vma = vmas_.find(va);
        bool copy_on_write = vma && vma->kind != VmaKind::SharedAnonymous && frame_is_shared(phys);
        pages.push_back({va, copy_on_write});
    });
    for (const Page& page : pages) protect_user_page(page.va, page.shared ? prot & ~uint32_t{kProtWrite} : prot);
    return {};
}

Result<void> AddressSpace::discard(uint64_t start, uint64_t len) {
    uint64_t end = start + align_up(len, kPageSize);
    // Every page of the range must be mapped (madvise(2): ENOMEM otherwise).
    for (uint64_t page = start; page < end;) {
        const Vma* vma = vmas_.find(page);
        if (!vma) return Errno::ENOMEM;
        page = vma->end;
    }
    release_range(start, end);
    return {};
}

Result<uint64_t> AddressSpace::remap(uint64_t old_start, uint64_t old_len, uint64_t new_len, bool may_move) {
    const Vma* vma = vmas_.find(old_start);
    if (!vma || old_start + old_len > vma->end) return Errno::EFAULT;
    Vma old = *vma;
    if (new_len <= old_len) {
        if (new_len < old_len) TRY(unmap(old_start + new_len, old_len - new_len));
        return old_start;
    }
    // Grow in place when the pages after the mapping are free.
    uint64_t grow_start = old_start + old_len;
    if (!vmas_.find(grow_start) && vmas_.find_free(new_len - old_len, grow_start, grow_start, grow_start + new_len - old_len).value_or(0) == grow_start) {
        TRY(vmas_.map(grow_start, new_len - old_len, old.prot, old.kind, old.name_view()));
        return old_start;
    }
    if (!may_move) return Errno::ENOMEM;
    uint64_t new_start = TRY(find_free(new_len, 0));
    TRY(vmas_.map(new_start, new_len, old.prot, old.kind, old.name_view()));
    // Move the populated pages: the frames stay, only their addresses change.
    for (uint64_t offset = 0; offset < old_len; offset += kPageSize) {
        auto phys = unmap_user_page(old_start + offset);
        if (!phys) continue;
        bool shared = old.kind != VmaKind::SharedAnonymous && frame_is_shared(*phys);
        auto mapped = map_user_page(new_start + offset, *phys, shared ? old.prot & ~uint32_t{kProtWrite} : old.prot);
        if (!mapped.ok()) {
            frame_release(*phys);
            return mapped.error();
        }
    }
    TRY(unmap(old_start, old_len));
    return new_start;
}

void AddressSpace::set_brk_base(uint64_t base) { brk_base_ = brk_ = base; }

uint64_t AddressSpace::set_brk(uint64_t requested) {
    if (requested < brk_base_) return brk_;
    std::vector<Vma> removed;
    if (!vmas_.resize_heap(brk_base_, align_up(requested, kPageSize), &removed).ok()) return brk_;
    release_pages(removed);
    // Bytes between the new break and the end of its page must read as zero when the break
    // grows again (brk(2) promises fresh memory): clear the tail of a shrunk last page.
    if (requested < brk_ && !is_aligned(requested, kPageSize)) {
        if (auto phys = user_page_phys(align_down(requested, kPageSize)))
            memset(static_cast<uint8_t*>(phys_to_virt(*phys)) + (requested % kPageSize), 0,
                   kPageSize - requested % kPageSize);
    }
    brk_ = requested;
    return brk_;
}

Result<void> AddressSpace::handle_fault(uint64_t address, Access access) {
    if (!is_user_range(address, 1)) return Errno::EFAULT;
    const Vma* vma = vmas_.find(address);
    if (!vma || !access_allowed(vma->prot, access)) return Errno::EFAULT;
    uint64_t page = align_down(address, kPageSize);
    // A present page that faulted on a write the region allows is copy-on-write; any other
    // fault on a present page was a protection violation.
    if (user_page_phys(page)) {
        if (access != Access::Write) return Errno::EFAULT;
        TRY(private_page(page, vma->prot));
        return {};
    }
    TRY(populated_page(page, vma->prot));
    return {};
}

}  // namespace ingot
