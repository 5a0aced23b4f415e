// Threads under load: creation and joining in bulk, a mutex/condition-variable ping-pong,
// timed waits that time out, thread-local storage, signals aimed at one thread, preemption
// (a thread spinning until another one runs), detached threads, barriers and semaphores, and
// CPU affinity (threads pinned to CPUs run there).
// Every line it prints is deterministic, so the native run and the Ingot run must match.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "check failed at line %d: %s\n", __LINE__, #cond);   \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

static __thread int tls_value = 7;

static void* square(void* arg) {
    intptr_t n = (intptr_t)arg;
    tls_value += (int)n;  // each thread has its own copy, starting at 7
    return (void*)(intptr_t)(n * n + (tls_value - 7 - n));
}

static void create_and_join(int total, int batch) {
    long sum = 0;
    for (int done = 0; done < total; done += batch) {
        pthread_t t[64];
        for (int i = 0; i < batch; ++i) CHECK(pthread_create(&t[i], NULL, square, (void*)(intptr_t)(done + i)) == 0);
        for (int i = 0; i < batch; ++i) {
            void* result;
            CHECK(pthread_join(t[i], &result) == 0);
            sum += (intptr_t)result;
        }
    }
    printf("created and joined %d threads, sum of squares %ld, main tls %d\n", total, sum, tls_value);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn = 0;
static const int kRounds = 20000;

static void* ping_pong_player(void* arg) {
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&lock);
        while (turn != me) pthread_cond_wait(&turn_changed, &lock);
        turn = 1 - me;
        pthread_cond_broadcast(&turn_changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void ping_pong(void) {
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, ping_pong_player, (void*)0) == 0);
    CHECK(pthread_create(&b, NULL, ping_pong_player, (void*)1) == 0);
    CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
    printf("mutex/condvar ping-pong: %d rounds each, turn back to %d\n", kRounds, turn);
}

static void timed_wait(void) {
    struct timespec before, deadline, after;
    clock_gettime(CLOCK_REALTIME, &before);
    deadline = before;
    deadline.tv_nsec += 50 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
    pthread_mutex_lock(&lock);
    int rc = pthread_cond_timedwait(&turn_changed, &lock, &deadline);
    pthread_mutex_unlock(&lock);
    clock_gettime(CLOCK_REALTIME, &after);
    long waited_ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    printf("timed wait: %s, waited at least 50 ms: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : strerror(rc),
           waited_ms >= 49 ? "yes" : "no");
}

static atomic_int spin_flag;
static void* set_flag(void* arg) {
    (void)arg;
    atomic_store(&spin_flag, 1);
    return NULL;
}

// The main thread spins without a system call; only preemption lets the other thread run
// when there is one CPU.
static void preemption(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, set_flag, NULL) == 0);
    while (!atomic_load(&spin_flag)) {
    }
    CHECK(pthread_join(t, NULL) == 0);
    printf("preemption: a spinning thread let another run\n");
}

// The main thread makes a blocked reader's condition true (a pipe write) and then spins without
// a system call: the reader must still get the CPU.
static int wake_pipe[2];
static atomic_int reader_woke;
static void* pipe_reader(void* arg) {
    (void)arg;
    char c;
    if (read(wake_pipe[0], &c, 1) == 1) atomic_store(&reader_woke, 1);
    return NULL;
}

static void wake_while_spinning(void) {
    CHECK(pipe(wake_pipe) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, pipe_reader, NULL) == 0);
    usleep(10000);
    CHECK(write(wake_pipe[1], "x", 1) == 1);
    while (!atomic_load(&reader_woke)) {
    }
    CHECK(pthread_join(t, NULL) == 0);
    printf("a reader woken by a pipe write ran while the writer spun\n");
}

static _Atomic pid_t handler_tid;
static void on_usr1(int sig) {
    (void)sig;
    atomic_store(&handler_tid, (pid_t)syscall(SYS_gettid));
}
static _Atomic pid_t target_tid;
static atomic_int target_stop;
static void* signal_target(void* arg) {
    (void)arg;
    atomic_store(&target_tid, (pid_t)syscall(SYS_gettid));
    while (!atomic_load(&target_stop)) usleep(1000);
    return NULL;
}

static void signal_one_thread(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, signal_target, NULL) == 0);
    while (!atomic_load(&target_tid)) sched_yield();
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    while (!atomic_load(&handler_tid)) sched_yield();
    atomic_store(&target_stop, 1);
    CHECK(pthread_join(t, NULL) == 0);
    printf("pthread_kill: handler ran in the target thread: %s, not in main: %s\n",
           atomic_load(&handler_tid) == atomic_load(&target_tid) ? "yes" : "no",
           atomic_load(&handler_tid) != getpid() ? "yes" : "no");
}

static sem_t detached_done;
static void* detached(void* arg) {
    (void)arg;
    sem_post(&detached_done);
    return NULL;
}

static void detached_threads(void) {
    CHECK(sem_init(&detached_done, 0, 0) == 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 100; ++i) {
        pthread_t t;
        CHECK(pthread_create(&t, &attr, detached, NULL) == 0);
    }
    for (int i = 0; i < 100; ++i) CHECK(sem_wait(&detached_done) == 0);
    printf("detached threads: 100 finished\n");
}

static pthread_barrier_t barrier;
static atomic_int arrived;
static void* barrier_worker(void* arg) {
    (void)arg;
    for (int round = 0; round < 50; ++round) {
        atomic_fetch_add(&arrived, 1);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static void barriers(void) {
    enum { kWorkers = 6 };
    CHECK(pthread_barrier_init(&barrier, NULL, kWorkers) == 0);
    pthread_t t[kWorkers];
    for (int i = 0; i < kWorkers; ++i) CHECK(pthread_create(&t[i], NULL, barrier_worker, NULL) == 0);
    for (int i = 0; i < kWorkers; ++i) CHECK(pthread_join(t[i], NULL) == 0);
    printf("barrier: %d workers x 50 rounds, %d arrivals\n", kWorkers, atomic_load(&arrived));
}

static void* sleeper(void* arg) {
    struct timespec ts = {0, (long)(intptr_t)arg * 1000000L};
    nanosleep(&ts, NULL);
    return arg;
}

static void sleeping_threads(void) {
    pthread_t t[8];
    for (int i = 0; i < 8; ++i) CHECK(pthread_create(&t[i], NULL, sleeper, (void*)(intptr_t)(10 + i * 5)) == 0);
    long sum = 0;
    for (int i = 0; i < 8; ++i) {
        void* r;
        CHECK(pthread_join(t[i], &r) == 0);
        sum += (intptr_t)r;
    }
    printf("sleeping threads: 8 slept, sum %ld\n", sum);
}

// sched_setaffinity: the caller moves to the CPU it pins itself to at once, a thread it creates
// inherits its mask, and two threads pinned to two CPUs (the first and the last) run on theirs
// throughout, yielding now and then. Silent but for one line, whatever the CPU count.
static atomic_int off_their_cpu;
static void* pinned_spinner(void* arg) {
    int cpu = (int)(intptr_t)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CHECK(pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0);
    for (int i = 0; i < 3000; ++i) {
        if (sched_getcpu() != cpu) off_their_cpu++;
        if (i % 100 == 0) sched_yield();
    }
    return NULL;
}
static void* report_mask(void* arg) {
    CHECK(pthread_getaffinity_np(pthread_self(), sizeof(cpu_set_t), (cpu_set_t*)arg) == 0);
    return NULL;
}
static void affinity(void) {
    cpu_set_t all, one, got;
    CHECK(sched_getaffinity(0, sizeof all, &all) == 0);
    int first = -1, last = -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &all)) last = cpu, first = first < 0 ? cpu : first;
    CHECK(first >= 0);
    CPU_ZERO(&one);
    CPU_SET(last, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    for (int i = 0; i < 1000; ++i) CHECK(sched_getcpu() == last);
    CHECK(sched_getaffinity(0, sizeof got, &got) == 0 && CPU_EQUAL(&got, &one));
    pthread_t child;
    CPU_ZERO(&got);
    CHECK(pthread_create(&child, NULL, report_mask, &got) == 0 && pthread_join(child, NULL) == 0);
    CHECK(CPU_EQUAL(&got, &one));
    CHECK(sched_setaffinity(0, sizeof all, &all) == 0);
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, pinned_spinner, (void*)(intptr_t)first) == 0);
    CHECK(pthread_create(&b, NULL, pinned_spinner, (void*)(intptr_t)last) == 0);
    CHECK(pthread_join(a, NULL) == 0 && pthread_join(b, NULL) == 0);
    CHECK(off_their_cpu == 0);
    cpu_set_t none;  // only a CPU there is not
    CPU_ZERO(&none);
    CPU_SET(CPU_SETSIZE - 1, &none);
    errno = 0;
    CHECK(sched_setaffinity(0, sizeof none, &none) == -1 && errno == EINVAL);
    printf("affinity: pinned threads ran on their CPUs\n");
}

int main(int argc, char** argv) {
    int total = argc > 1 ? atoi(argv[1]) : 2000;
    setvbuf(stdout, NULL, _IOLBF, 0);
    create_and_join(total, 16);
    ping_pong();
    timed_wait();
    preemption();
    wake_while_spinning();
    signal_one_thread();
    detached_threads();
    barriers();
    sleeping_threads();
    affinity();
    printf("done\n");
    return 0;
}
