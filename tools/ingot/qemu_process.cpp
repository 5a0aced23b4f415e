#include <ingot/qemu_process.h>

#include <ingot/file_io.h>
#include <ingot/qemu_command.h>
#include <ingot/tool_error.h>

#include <image/host_channels.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ingot::tool {

namespace {

// After the guest reported how it ended, QEMU should power off at once; this long at most.
constexpr int kExitGraceMs = 5000;
// After QEMU is killed, its output pipes close at once; wait no longer than this for that.
constexpr int kDrainMs = 2000;
// QEMU's own messages are kept for an error report; a runaway stream is cut off here.
constexpr size_t kMaxQemuMessages = 64 * 1024;

int g_signal_pipe_write = -1;

void on_signal(int signo) {
    unsigned char byte = static_cast<unsigned char>(signo);
    int saved = errno;
    [[maybe_unused]] ssize_t n = ::write(g_signal_pipe_write, &byte, 1);
    errno = saved;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// A pipe whose ends are closed when it goes away (or earlier, through close_fd).
struct Pipe {
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw ToolError(image::kStatusVmFailed, "pipe: " + error_text(errno));
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        close_fd(read);
        close_fd(write);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    int read = -1;
    int write = -1;
};

int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// Copies bytes to `fd` in full; once the reader has gone (EPIPE) output is dropped silently.
void relay(int fd, const char* data, size_t len, bool& broken) {
    while (len > 0 && !broken) {
        ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd p{fd, POLLOUT, 0};
                ::poll(&p, 1, -1);
                continue;
            }
            broken = true;
            return;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
}

// In the child: put the channel pipes at the descriptors the command line names, then exec.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const Pipe& out, const Pipe& err,
                             const Pipe& ctl, const Pipe& messages, int exec_error_fd, pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive ingot
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // terminal signals reach ingot only; ingot stops QEMU itself
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    // Lift every source above the targets first so no dup2 overwrites a source still needed.
    int high_out = ::fcntl(out.write, F_DUPFD_CLOEXEC, 16);
    int high_err = ::fcntl(err.write, F_DUPFD_CLOEXEC, 16);
    int high_ctl = ::fcntl(ctl.write, F_DUPFD_CLOEXEC, 16);
    int high_msg = ::fcntl(messages.write, F_DUPFD_CLOEXEC, 16);
    int high_exec_error = ::fcntl(exec_error_fd, F_DUPFD_CLOEXEC, 16);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    bool ok = high_out >= 0 && high_err >= 0 && high_ctl >= 0 && high_msg >= 0 && high_exec_error >= 0 &&
              null_fd >= 0 && ::dup2(null_fd, 0) == 0 && ::dup2(high_msg, 1) == 1 && ::dup2(high_msg, 2) == 2 &&
              ::dup2(high_out, kStdoutChannelFd) == kStdoutChannelFd &&
              ::dup2(high_err, kStderrChannelFd) == kStderrChannelFd &&
              ::dup2(high_ctl, kControlChannelFd) == kControlChannelFd;
    if (ok) {
        ::close_range(kControlChannelFd + 1, ~0U, CLOSE_RANGE_CLOEXEC);  // nothing else leaks into QEMU
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
    }
    int error = errno;
    [[maybe_unused]] ssize_t n = ::write(high_exec_error >= 0 ? high_exec_error : exec_error_fd, &error, sizeof error);
    ::_exit(127);
}

// Installs the SIGINT/SIGTERM/SIGHUP handlers while QEMU runs and restores the old ones after.
class SignalGuard {
public:
    explicit SignalGuard(int pipe_write) {
        g_signal_pipe_write = pipe_write;
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < 3; ++i) ::sigaction(kSignals[i], &sa, &old_[i]);
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &ignore, &old_pipe_);
    }
    ~SignalGuard() {
        for (size_t i = 0; i < 3; ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
        ::sigaction(SIGPIPE, &old_pipe_, nullptr);
        g_signal_pipe_write = -1;
    }

private:
    static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction old_[3] {};
    struct sigaction old_pipe_ {};
};

}  // namespace

std::string describe_wait_status(int wait_status) {
    if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) return "was killed by signal " + std::to_string(WTERMSIG(wait_status));
    return "stopped";
}

GuestOutcome run_qemu(const std::vector<std::string>& argv, std::optional<double> timeout_seconds,
                      QemuOutput output, const StartupStep& startup_step) {
    Pipe out, err, ctl, messages, exec_error, signals;  // the guard below goes first, then these
    ::fcntl(signals.write, F_SETFL, O_NONBLOCK);
    SignalGuard guard(signals.write);

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw ToolError(image::kStatusVmFailed, "fork: " + error_text(errno));
    if (pid == 0) exec_child(argv, out, err, ctl, messages, exec_error.write, parent);

    for (int* fd : {&out.write, &err.write, &ctl.write, &messages.write, &exec_error.write}) close_fd(*fd);
    int exec_errno = 0;
    ssize_t got;
    do {
        got = ::read(exec_error.read, &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);
    close_fd(exec_error.read);
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        ::waitpid(pid, nullptr, 0);
        throw ToolError(image::kStatusVmFailed, "cannot start " + argv[0] + ": " + error_text(exec_errno));
    }

    GuestOutcome result;
    ControlChannel control;
    bool stdout_broken = false, stderr_broken = false;
    const int64_t start = now_ms();
    const int64_t deadline = timeout_seconds ? start + static_cast<int64_t>(*timeout_seconds * 1000) : -1;
    int64_t grace_deadline = -1;
    int64_t drain_deadline = -1;
    int64_t startup_deadline = startup_step ? start + kStartupStepLimitMs : -1;
    bool killed = false;
    char buffer[65536];

    while (out.read >= 0 || err.read >= 0 || ctl.read >= 0 || messages.read >= 0) {
        pollfd fds[5] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {ctl.read, POLLIN, 0},
                         {messages.read, POLLIN, 0}, {killed ? -1 : signals.read, POLLIN, 0}};
        int wait_ms = -1;
        int64_t now = now_ms();
        if (startup_deadline >= 0 && !killed) {
            if (now >= startup_deadline || startup_step(pid)) {
                startup_deadline = -1;
            } else {
                wait_ms = kStartupStepIntervalMs;
            }
        }
        if (killed) wait_ms = static_cast<int>(std::max<int64_t>(0, drain_deadline - now));
        if (!killed && deadline >= 0) {
            int until_deadline = static_cast<int>(std::max<int64_t>(0, deadline - now));
            wait_ms = wait_ms < 0 ? until_deadline : std::min(wait_ms, until_deadline);
        }
        if (!killed && grace_deadline >= 0) {
            int grace = static_cast<int>(std::max<int64_t>(0, grace_deadline - now));
            wait_ms = wait_ms < 0 ? grace : std::min(wait_ms, grace);
        }
        int ready = ::poll(fds, 5, wait_ms);
        if (ready < 0 && errno != EINTR) break;
        if (ready == 0 && killed) break;  // something else holds the pipes open; stop waiting
        if (ready == 0 && !killed) {
            now = now_ms();
            if (deadline >= 0 && now >= deadline && result.end != GuestOutcome::End::Reported) {
                result.end = GuestOutcome::End::TimedOut;
            }
            if ((deadline >= 0 && now >= deadline) || (grace_deadline >= 0 && now >= grace_deadline)) {
                ::kill(pid, SIGKILL);  // the pipes now reach EOF; drain what was written before
                killed = true;
                drain_deadline = now_ms() + kDrainMs;
            }
            continue;
        }
        if (ready <= 0) continue;
        if (fds[4].revents & POLLIN) {
            unsigned char signo = 0;
            if (::read(signals.read, &signo, 1) == 1 && !killed) {
                result.end = GuestOutcome::End::Interrupted;
                result.signal = signo;
                ::kill(pid, SIGKILL);
                killed = true;
                drain_deadline = now_ms() + kDrainMs;
            }
        }
        int* channels[4] = {&out.read, &err.read, &ctl.read, &messages.read};
        for (int i = 0; i < 4; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::read(*channels[i], buffer, sizeof buffer);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) {
                close_fd(*channels[i]);
                continue;
            }
            size_t len = static_cast<size_t>(n);
            bool relay_guest = output != QemuOutput::Discard;
            if (i == 0 && relay_guest) relay(STDOUT_FILENO, buffer, len, stdout_broken);
            if (i == 1 && relay_guest) relay(STDERR_FILENO, buffer, len, stderr_broken);
            if (i == 2) control.feed({buffer, len});
            if (i == 3) {
                if (result.qemu_messages.size() < kMaxQemuMessages) result.qemu_messages.append(buffer, len);
                if (output == QemuOutput::RelayGuestAndQemu) relay(STDERR_FILENO, buffer, len, stderr_broken);
            }
        }
        if (control.outcome() != ControlChannel::Outcome::None && grace_deadline < 0) {
            grace_deadline = now_ms() + kExitGraceMs;
            if (result.end == GuestOutcome::End::NoReport) result.end = GuestOutcome::End::Reported;
        }
    }
    control.finish();
    if (!killed && (out.read >= 0 || err.read >= 0 || ctl.read >= 0 || messages.read >= 0)) ::kill(pid, SIGKILL);
    while (::waitpid(pid, &result.qemu_wait_status, 0) < 0 && errno == EINTR) {
    }

    result.control = control.outcome();
    result.status = control.status();
    if (result.end == GuestOutcome::End::NoReport && result.control != ControlChannel::Outcome::None)
        result.end = GuestOutcome::End::Reported;
    return result;
}

}  // namespace ingot::tool
