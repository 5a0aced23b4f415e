// A program that deadlocks: the main thread holds a mutex and joins a thread that waits for
// that mutex. Natively it hangs forever; under Ingot the kernel sees every thread blocked with
// nothing that could wake them, says so on stderr and ends the program (status 137).
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void* wants_the_lock(void* arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void) {
    pthread_t thread;
    pthread_mutex_lock(&lock);
    if (pthread_create(&thread, NULL, wants_the_lock, NULL) != 0) return 1;
    printf("about to deadlock\n");
    fflush(stdout);
    pthread_join(thread, NULL);
    printf("unreachable\n");
    return 0;
}
