// Interval timers: alarm(2) ending pause(2), what alarm returns while one is pending, a
// periodic setitimer(ITIMER_REAL) interrupting a loop that makes no system call, getitimer,
// disarming, and SIGALRM's default action. Output is deterministic.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errno_name.h"

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    alarm(1);
    int rc = pause();
    printf("alarm(1) ended pause: %d %s, handler ran %d time(s)\n", rc, errno_name(errno), (int)alarms);

    alarm(100);
    printf("alarm(5) while 100 s were pending returns %u\n", alarm(5));
    printf("alarm(0) then returns %u\n", alarm(0));

    struct itimerval every_10ms = {{0, 10000}, {0, 10000}};
    alarms = 0;
    setitimer(ITIMER_REAL, &every_10ms, NULL);
    volatile unsigned long spins = 0;
    while (alarms < 5) spins++;  // no system call: only the timer interrupt can deliver it
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    printf("periodic timer: 5 signals while spinning; period %ld us, armed %s\n", (long)now.it_interval.tv_usec,
           now.it_value.tv_sec > 0 || now.it_value.tv_usec > 0 ? "yes" : "no");
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    getitimer(ITIMER_REAL, &now);
    printf("disarmed: %s\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0 ? "yes" : "no");
    errno = 0;
    rc = setitimer(99, &off, NULL);
    printf("setitimer with an unknown timer: %d %s\n", rc, errno_name(errno));

    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;) pause();
    }
    int status;
    waitpid(pid, &status, 0);
    printf("SIGALRM's default action ends a child: signaled %d, signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
    return 0;
}
