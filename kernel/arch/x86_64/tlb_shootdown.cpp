// One shootdown at a time: only the holder of the kernel lock starts one, and it waits for
// every answer before going on. The request (which page table) is published before its
// generation number; a CPU answers by storing the generation it saw.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/tlb_shootdown.h>
#include <mm/page_table.h>
#include <proc/cpus.h>

namespace ingot {
namespace {

// A kernel mapping changed: it is in every page table (their upper halves are shared).
constexpr uint64_t kEveryRoot = ~0ull;

uint64_t changed_root = 0;  // noted since the last flush; 0: nothing
uint64_t request_root = 0;
uint32_t request_generation = 0;
uint32_t answered_generation[kMaxCpus] = {};

bool answered(unsigned cpu, uint32_t generation) {
    return static_cast<int32_t>(__atomic_load_n(&answered_generation[cpu], __ATOMIC_ACQUIRE) - generation) >= 0;
}

}  // namespace

void note_page_table_change(uint64_t root) {
    if (changed_root && changed_root != root) flush_other_cpus_tlb();
    changed_root = root;
}

void note_kernel_mapping_change() { note_page_table_change(kEveryRoot); }

void flush_other_cpus_tlb() {
    uint64_t root = changed_root;
    if (!root) return;
    changed_root = 0;
    if (online_cpus() == 1) return;
    unsigned self = current_cpu();
    __atomic_store_n(&request_root, root, __ATOMIC_RELAXED);
    uint32_t generation = __atomic_add_fetch(&request_generation, 1, __ATOMIC_RELEASE);
    bool asked[kMaxCpus] = {};
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu) {
        if (cpu == self || (root != kEveryRoot && cpu_page_table(cpu) != root)) continue;
        asked[cpu] = true;
        apic_send_ipi(cpu_block(cpu).apic_id, kVectorTlbFlush);
    }
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu)
        while (asked[cpu] && !answered(cpu, generation)) x86::pause();
}

void answer_tlb_shootdown() {
    unsigned self = current_cpu();
    uint32_t generation = __atomic_load_n(&request_generation, __ATOMIC_ACQUIRE);
    if (answered_generation[self] == generation) return;
    // Reloading CR3 drops every translation but global ones, and user pages are never global.
    uint64_t root = __atomic_load_n(&request_root, __ATOMIC_RELAXED);
    if (root == kEveryRoot || root == active_page_table()) x86::write_cr3(active_page_table());
    __atomic_store_n(&answered_generation[self], generation, __ATOMIC_RELEASE);
}

}  // namespace ingot
