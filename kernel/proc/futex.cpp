// One FIFO per hash bucket; a bucket holds the waiters of every address that hashes to it, so
// each operation filters by address. Wake order is queue order (FIFO), as Linux gives for
// waiters of equal priority.
#include <proc/futex.h>
#include <proc/scheduler.h>

#include <cstddef>

namespace ingot {
namespace {

constexpr size_t kBuckets = 256;

struct Bucket {
    FutexWaiter* head = nullptr;
    FutexWaiter* tail = nullptr;
};
Bucket buckets[kBuckets];

Bucket& bucket_for(uint64_t address) {
    uint64_t h = (address >> 2) * 0x9E3779B97F4A7C15ull;
    return buckets[h >> 56];
}

void link(Bucket& b, FutexWaiter& w) {
    w.next = nullptr;
    w.prev = b.tail;
    if (b.tail) b.tail->next = &w;
    else b.head = &w;
    b.tail = &w;
    w.queued = true;
}

void unlink(Bucket& b, FutexWaiter& w) {
    if (w.prev) w.prev->next = w.next;
    else b.head = w.next;
    if (w.next) w.next->prev = w.prev;
    else b.tail = w.prev;
    w.next = w.prev = nullptr;
    w.queued = false;
}

void wake_waiter(Bucket& b, FutexWaiter& w) {
    unlink(b, w);
    w.woken = true;
    wake_thread(*w.thread);
}

}  // namespace

static_assert((kBuckets & (kBuckets - 1)) == 0 && kBuckets == 256, "bucket_for takes the top 8 bits");

void futex_enqueue(FutexWaiter& waiter) {
    waiter.woken = false;
    link(bucket_for(waiter.address), waiter);
}

void futex_dequeue(FutexWaiter& waiter) {
    if (waiter.queued) unlink(bucket_for(waiter.address), waiter);
}

void futex_forget_thread(const Thread& thread) {
    for (Bucket& b : buckets) {
        for (FutexWaiter* w = b.head; w;) {
            FutexWaiter* next = w->next;
            if (w->thread == &thread) unlink(b, *w);
            w = next;
        }
    }
}

int futex_wake(uint64_t address, uint32_t bitset, int count) {
    Bucket& b = bucket_for(address);
    int woken = 0;
    for (FutexWaiter* w = b.head; w && woken < count;) {
        FutexWaiter* next = w->next;
        if (w->address == address && (w->bitset & bitset)) {
            wake_waiter(b, *w);
            ++woken;
        }
        w = next;
    }
    return woken;
}

int futex_requeue(uint64_t from, uint64_t to, int wake_count, int requeue_count) {
    Bucket& source = bucket_for(from);
    Bucket& target = bucket_for(to);
    int woken = 0, moved = 0;
    for (FutexWaiter* w = source.head; w && (woken < wake_count || moved < requeue_count);) {
        FutexWaiter* next = w->next;
        if (w->address == from) {
            if (woken < wake_count) {
                wake_waiter(source, *w);
                ++woken;
            } else {
                unlink(source, *w);
                w->address = to;
                link(target, *w);
                ++moved;
            }
        }
        w = next;
    }
    return woken + moved;
}

int futex_waiter_count(uint64_t address) {
    int count = 0;
    for (FutexWaiter* w = bucket_for(address).head; w; w = w->next)
        if (w->address == address) ++count;
    return count;
}

}  // namespace ingot
