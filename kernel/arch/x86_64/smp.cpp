// Bringing up secondary CPUs and talking to them. The boot CPU (0) starts CPU 1, 2, ... one at
// a time; QEMU numbers the local APICs of `-smp N` 0 to N-1, and each CPU reads its own APIC
// ID, so nothing here depends on that numbering beyond the IDs it sends to.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/arch_thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/smp.h>
#include <arch/x86_64/tsc.h>
#include <lib/clock.h>
#include <lib/log.h>
#include <mm/kernel_heap.h>
#include <mm/page_table.h>
#include <mm/physical_memory.h>
#include <proc/cpus.h>
#include <proc/scheduler.h>

#include <cstring>

extern "C" const uint8_t ap_start_begin[], ap_start_end[], ap_start_gdt_pointer[], ap_start_far32[],
    ap_start_far64[], ap_start_page_table[], ap_start_stack[], ap_start_entry[], ap_start_cpu[];
extern "C" uint64_t boot_pml4[512], boot_pdpt_low[512];

extern "C" [[noreturn]] void ap_entry(unsigned index);

namespace ingot {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kStartPages = 2;  // the code, then a page table that also maps it 1:1
constexpr uint64_t kBootWindowBase = 0xFFFF'FFFF'8000'0000ull;
constexpr uint64_t kLowMemoryEnd = 0x100000;
constexpr uint64_t kStartStackSize = 4096;      // ap_entry's until the idle thread runs
constexpr uint64_t kStartTimeoutNs = 1'000'000'000;  // TCG on a busy host can be slow

uint64_t start_pages_phys = 0;  // 0: none free, so no secondary CPU can start
unsigned cpus_online = 1;
volatile bool started = false;  // set by the CPU being started, once it no longer needs the pages

bool overlaps(uint64_t start, uint64_t end, uint64_t other_start, uint64_t other_end) {
    return start < other_end && other_start < end;
}

template <typename T>
T& start_field(const uint8_t* symbol) {
    auto* page = static_cast<uint8_t*>(phys_to_virt(start_pages_phys));
    return *reinterpret_cast<T*>(page + (symbol - ap_start_begin));
}

// Copies the start code into the low page, points its absolute fields at that page, and
// makes the page table: the low 1 GiB 1:1 (boot.S's table, still intact) for the jump to
// long mode, and the kernel's upper half for ap_entry.
void prepare_start_pages() {
    auto* page = static_cast<uint8_t*>(phys_to_virt(start_pages_phys));
    memcpy(page, ap_start_begin, static_cast<size_t>(ap_start_end - ap_start_begin));
    auto base = static_cast<uint32_t>(start_pages_phys);
    start_field<uint32_t>(ap_start_gdt_pointer + 2) += base;
    start_field<uint32_t>(ap_start_far32) += base;
    start_field<uint32_t>(ap_start_far64) += base;
    auto* pml4 = reinterpret_cast<uint64_t*>(page + kPage);
    memset(pml4, 0, kPage);
    pml4[0] = (reinterpret_cast<uint64_t>(boot_pdpt_low) - kBootWindowBase) | 0x3;  // present, writable
    memcpy(pml4 + 256, boot_pml4 + 256, 256 * sizeof(uint64_t));
    start_field<uint64_t>(ap_start_page_table) = start_pages_phys + kPage;
    start_field<uint64_t>(ap_start_entry) = reinterpret_cast<uint64_t>(&ap_entry);
}

bool start_cpu(unsigned index) {
    auto* stack = static_cast<uint8_t*>(kernel_heap_try_allocate(kStartStackSize, 16));
    if (!stack) return false;
    start_field<uint64_t>(ap_start_stack) = reinterpret_cast<uint64_t>(stack + kStartStackSize);
    start_field<uint64_t>(ap_start_cpu) = index;
    started = false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    // INIT, then start-up; a second start-up only if the first was missed (Intel SDM Vol. 3A
    // §9.4.4.1): virtual machines do not need the 10 ms pause that hardware does.
    apic_send_init(index);
    uint64_t begin = monotonic_ns();
    for (int attempt = 0; attempt < 2 && !started; ++attempt) {
        apic_send_startup(index, start_pages_phys);
        uint64_t give_up = monotonic_ns() + kStartTimeoutNs / 2;
        while (!started && monotonic_ns() < give_up) x86::pause();
    }
    if (!started) return false;
    log_debug("smp: CPU %u up after %lu us", index, (monotonic_ns() - begin) / 1000);
    return true;
}

}  // namespace

}  // namespace ingot

using namespace ingot;

// First C++ code of a secondary CPU, on its start-up stack, with the start pages' page table.
extern "C" [[noreturn]] void ap_entry(unsigned index) {
    gdt_init(index);
    idt_load();
    cpu_init(index);
    x86::write_cr3(active_page_table());  // the boot root: the start pages are not needed now
    apic_init_this_cpu();
    __atomic_store_n(&started, true, __ATOMIC_RELEASE);
    kernel_lock_acquire();
    start_scheduling_on_this_cpu();
}

namespace ingot {

void choose_cpu_start_pages(const pvh::StartInfo& info) {
    auto* map = reinterpret_cast<const pvh::MemmapEntry*>(kBootWindowBase + info.memmap_paddr);
    uint64_t command_line_end = info.cmdline_paddr;
    if (info.cmdline_paddr)
        command_line_end += strlen(reinterpret_cast<const char*>(kBootWindowBase + info.cmdline_paddr)) + 1;
    // Page 0 holds the real-mode interrupt table and BIOS data; the rest is free where the
    // memory map says RAM and the loader put nothing.
    for (uint64_t start = kPage; start + kStartPages * kPage <= kLowMemoryEnd; start += kPage) {
        uint64_t end = start + kStartPages * kPage;
        bool ram = false;
        for (uint32_t i = 0; i < info.memmap_entries; ++i)
            ram |= map[i].type == pvh::kMemmapTypeRam && map[i].addr <= start && end <= map[i].addr + map[i].size;
        if (!ram) continue;
        uint64_t start_info = reinterpret_cast<uint64_t>(&info) - kBootWindowBase;
        if (overlaps(start, end, start_info, start_info + sizeof(info))) continue;
        if (overlaps(start, end, info.memmap_paddr, info.memmap_paddr + info.memmap_entries * sizeof(pvh::MemmapEntry)))
            continue;
        if (info.cmdline_paddr && overlaps(start, end, info.cmdline_paddr, command_line_end)) continue;
        if (info.nr_modules && overlaps(start, end, info.modlist_paddr, info.modlist_paddr + kPage)) continue;
        start_pages_phys = start;
        return;
    }
}

void start_cpus(unsigned count) {
    if (count <= 1) return;
    if (count > kMaxCpus) count = kMaxCpus;
    if (!start_pages_phys) {
        log_error("smp: no free page below 1 MiB to start CPUs from; running on one CPU");
        return;
    }
    prepare_start_pages();
    log_debug("smp: starting CPUs from page %lx", start_pages_phys);
    for (unsigned index = 1; index < count; ++index) {
        // A CPU counts as online once started, so kicks and shootdowns reach it from then on.
        if (!start_cpu(index)) {
            log_error("smp: CPU %u did not start (is QEMU's -smp smaller?); the program runs on CPUs 0 to %u", index, index - 1);
            return;
        }
        cpus_online = index + 1;
    }
}

unsigned current_cpu() { return this_cpu().index; }
unsigned online_cpus() { return cpus_online; }

void kick_cpu(unsigned cpu) { apic_send_ipi(cpu_block(cpu).apic_id, kVectorKick); }

void let_other_cpus_in() {
    kernel_lock_release();
    x86::pause();
    kernel_lock_acquire();
}

}  // namespace ingot
