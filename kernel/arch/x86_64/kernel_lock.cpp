#include <arch/x86_64/cpu.h>
#include <arch/x86_64/kernel_lock.h>
#include <arch/x86_64/tlb_shootdown.h>

#include <cstdint>

namespace ingot {
namespace {

uint32_t next_ticket = 0;
uint32_t now_serving = 0;

}  // namespace

void kernel_lock_acquire() {
    uint32_t ticket = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) != ticket) {
        answer_tlb_shootdown();
        x86::pause();
    }
}

void kernel_lock_release() {
    flush_other_cpus_tlb();
    // Only the holder writes now_serving: a plain increment, published with release order.
    __atomic_store_n(&now_serving, now_serving + 1, __ATOMIC_RELEASE);
}

}  // namespace ingot
