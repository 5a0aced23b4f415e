// Thread micro-benchmark (bench/threads.sh): the cost of creating and joining a thread, of
// one futex round trip between two threads (a mutex/condition-variable ping-pong hands the turn
// back and forth, so each round is two wake-ups and two context switches), and how soon a
// thread blocked reading a pipe runs once another thread, which keeps its CPU, writes to it
// (with one CPU only once the writer is preempted; with more, another CPU can run the reader
// at once). Prints
//   create_join_us <microseconds per create+join>
//   pingpong_us <microseconds per round trip>
//   pipe_wake_us <microseconds per write-then-wait-for-the-reader round>
// as the median of several batches, so a noisy batch does not decide the figure.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { kBatches = 7, kCreates = 500, kRounds = 5000, kWakes = 1000 };

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static double median(double* values, int n) {
    qsort(values, (size_t)n, sizeof(double), compare);
    return values[n / 2];
}

static void* nothing(void* arg) { return arg; }

static double create_join_batch(void) {
    double start = now_us();
    for (int i = 0; i < kCreates; ++i) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0) {
            fprintf(stderr, "pthread_create/join failed\n");
            exit(1);
        }
    }
    return (now_us() - start) / kCreates;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn;

static void* player(void* arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < kRounds; ++i) {
        pthread_mutex_lock(&lock);
        while (turn != me) pthread_cond_wait(&changed, &lock);
        turn = 1 - me;
        pthread_cond_signal(&changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static double pingpong_batch(void) {
    pthread_t a, b;
    turn = 0;
    double start = now_us();
    pthread_create(&a, NULL, player, (void*)0L);
    pthread_create(&b, NULL, player, (void*)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return (now_us() - start) / kRounds;
}

static int wake_pipe[2];
static atomic_int reader_ran;

static void* pipe_reader(void* arg) {
    for (int i = 0; i < kWakes; ++i) {
        char byte;
        if (read(wake_pipe[0], &byte, 1) != 1) exit(1);
        atomic_store(&reader_ran, 1);
    }
    return arg;
}

// Each round the writer writes a byte, then spins until the reader says it ran: the time per
// round is how long the blocked reader takes to run while the writer keeps its CPU. Timed
// over the whole batch, as some guest clocks tick too coarsely to time one round.
static double pipe_wake_batch(void) {
    pthread_t reader;
    if (pipe(wake_pipe) != 0 || pthread_create(&reader, NULL, pipe_reader, NULL) != 0) exit(1);
    double start = now_us();
    for (int i = 0; i < kWakes; ++i) {
        atomic_store(&reader_ran, 0);
        if (write(wake_pipe[1], "w", 1) != 1) exit(1);
        while (!atomic_load(&reader_ran)) {
        }
    }
    double elapsed = now_us() - start;
    pthread_join(reader, NULL);
    close(wake_pipe[0]);
    close(wake_pipe[1]);
    return elapsed / kWakes;
}

int main(void) {
    double creates[kBatches], rounds[kBatches], wakes[kBatches];
    for (int i = 0; i < kBatches; ++i) {
        creates[i] = create_join_batch();
        rounds[i] = pingpong_batch();
        wakes[i] = pipe_wake_batch();
    }
    printf("create_join_us %.2f\n", median(creates, kBatches));
    printf("pingpong_us %.2f\n", median(rounds, kBatches));
    printf("pipe_wake_us %.2f\n", median(wakes, kBatches));
    return 0;
}
