// Keeping other CPUs' TLBs right when a page table changes (Intel SDM Vol. 3A §4.10.5). A CPU
// caches translations, so when the kernel removes a mapping, moves it to another frame or
// takes a permission away, every other CPU that uses that page table must flush before the
// frame is reused or the program relies on the change. The changing CPU flushes its own TLB
// at once (invlpg) and notes the change; flush_other_cpus_tlb() then interrupts the CPUs using
// that page table and waits until each has reloaded CR3.
#pragma once

#include <mm/page_table.h>

#include <cstdint>

namespace ingot {

// A user mapping of page table `root` (the active one) was removed or reduced.
void note_page_table_change(uint64_t root);
// A kernel mapping (mm/page_table.h's map_kernel_page) was removed: every CPU must flush.
void note_kernel_mapping_change();
// flush_other_cpus_tlb() (mm/page_table.h) returns once no other CPU can use a translation
// noted as changed: before frames of removed mappings are freed, and always before the kernel
// lock is given back.
// Flushes this CPU's TLB when another CPU asked for it: from the shootdown interrupt, and
// while this CPU waits for the kernel lock with interrupts masked.
void answer_tlb_shootdown();

// The page table CPU `cpu` uses now (page_table.cpp).
uint64_t cpu_page_table(unsigned cpu);

}  // namespace ingot
