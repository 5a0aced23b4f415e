// A ticket lock whose waiters halt after a short spin, as paravirtual spinlocks do: with more
// virtual CPUs than host cores (TCG on a small host, an overcommitted hypervisor), a waiter
// that only spins takes host time from the very CPU it waits for. A waiter that halts leaves
// its number in the slot of its ticket; whoever hands the lock to that ticket kicks it.
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/tlb_shootdown.h>
#include <proc/cpus.h>

#include <cstdint>

namespace ingot {
namespace {

constexpr int kSpinsBeforeHalting = 1000;
constexpr int kNobody = -1;
// While halting for the lock, only interrupts of priority class 15 (kicks and shootdowns) get
// through (CR8 = TPR[7:4], Intel SDM Vol. 3A §10.8.6.1): a device or timer interrupt taken here
// would want the lock itself. They stay pending until CR8 goes back to 0.
constexpr uint64_t kOnlyClass15 = 14;

uint32_t next_ticket = 0;
uint32_t now_serving = 0;
// Tickets in flight are fewer than the CPUs, so ticket % kMaxCpus names one slot each.
int halted_for_ticket[kMaxCpus] = {kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody,
                                   kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody,
                                   kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody,
                                   kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody, kNobody};
static_assert(kMaxCpus == 32);

bool served(uint32_t ticket) { return __atomic_load_n(&now_serving, __ATOMIC_SEQ_CST) == ticket; }

// The store of the slot and the load of now_serving are both sequentially consistent, as are
// the holder's store of now_serving and load of the slot: one of the two sees the other, so a
// waiter never halts unseen. A kick that comes before the hlt stays pending and ends it.
void halt_until_served(uint32_t ticket) {
    int& slot = halted_for_ticket[ticket % kMaxCpus];
    __atomic_store_n(&slot, static_cast<int>(current_cpu()), __ATOMIC_SEQ_CST);
    asm volatile("mov %0, %%cr8" ::"r"(kOnlyClass15) : "memory");
    while (!served(ticket)) {
        asm volatile("sti; hlt; cli" ::: "memory");
        answer_tlb_shootdown();
    }
    asm volatile("mov %0, %%cr8" ::"r"(uint64_t{0}) : "memory");
    __atomic_store_n(&slot, kNobody, __ATOMIC_RELAXED);
}

}  // namespace

void kernel_lock_acquire() {
    uint32_t ticket = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_RELAXED);
    for (int spins = 0; !served(ticket); ++spins) {
        answer_tlb_shootdown();
        if (spins < kSpinsBeforeHalting) {
            x86::pause();
            continue;
        }
        halt_until_served(ticket);
        break;
    }
}

void kernel_lock_release() {
    flush_other_cpus_tlb();
    // Only the holder writes now_serving.
    uint32_t next = now_serving + 1;
    __atomic_store_n(&now_serving, next, __ATOMIC_SEQ_CST);
    int waiter = __atomic_load_n(&halted_for_ticket[next % kMaxCpus], __ATOMIC_SEQ_CST);
    if (waiter != kNobody) apic_send_ipi(cpu_block(static_cast<unsigned>(waiter)).apic_id, kVectorKick);
}

}  // namespace ingot
