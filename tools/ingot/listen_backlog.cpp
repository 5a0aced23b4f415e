#include <ingot/listen_backlog.h>

#include <ingot/file_io.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

namespace ingot::tool {

namespace {

// include/net/tcp_states.h: TCP_LISTEN, as /proc/net/tcp prints the state ("0A").
constexpr unsigned kTcpListen = 10;

template <typename T>
bool parse_number(std::string_view text, T& value, int base) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return error == std::errc{} && end == text.data() + text.size();
}

std::string read_proc_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The inode a /proc/PID/fd link names when it is a socket ("socket:[12345]").
bool socket_inode(const std::string& link, uint64_t& inode) {
    constexpr std::string_view prefix = "socket:[";
    if (link.size() < prefix.size() + 2 || link.compare(0, prefix.size(), prefix) != 0 || link.back() != ']') {
        return false;
    }
    return parse_number(std::string_view(link).substr(prefix.size(), link.size() - prefix.size() - 1), inode, 10);
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::vector<uint64_t> listening_socket_inodes(std::string_view table, uint16_t port) {
    // Fields: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid
    // timeout inode ...; addresses are hexadecimal ADDRESS:PORT.
    std::vector<uint64_t> inodes;
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);  // the heading
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode)) {
            continue;
        }
        size_t colon = local.rfind(':');
        unsigned local_port = 0, socket_state = 0;
        uint64_t number = 0;
        if (colon == std::string::npos || !parse_number(std::string_view(local).substr(colon + 1), local_port, 16) ||
            !parse_number(std::string_view(state), socket_state, 16) || !parse_number(std::string_view(inode), number, 10)) {
            continue;
        }
        if (socket_state == kTcpListen && local_port == port && number != 0) inodes.push_back(number);
    }
    return inodes;
}

BacklogChange raise_listen_backlog(pid_t pid, std::span<const uint16_t> ports, int backlog) {
    BacklogChange change;
    const std::string proc = "/proc/" + std::to_string(pid);
    // Which listening sockets (by inode) serve which port, in the process's network namespace.
    std::vector<std::pair<uint64_t, uint16_t>> wanted;
    // Both tables in one text: the second heading line is skipped as malformed.
    const std::string tables = read_proc_file(proc + "/net/tcp") + read_proc_file(proc + "/net/tcp6");
    for (uint16_t port : ports) {
        for (uint64_t inode : listening_socket_inodes(tables, port)) wanted.emplace_back(inode, port);
    }
    std::set<uint16_t> raised;
    if (!wanted.empty()) {
        DIR* directory = ::opendir((proc + "/fd").c_str());
        if (!directory) {
            change.error = "cannot list " + proc + "/fd: " + error_text(errno);
            return change;
        }
        Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
        if (pidfd.get() < 0) {
            change.error = "pidfd_open: " + error_text(errno);
            ::closedir(directory);
            return change;
        }
        while (dirent* entry = ::readdir(directory)) {
            int target_fd = 0;
            if (!parse_number(std::string_view(entry->d_name), target_fd, 10)) continue;
            char link[64] = {};
            ssize_t length = ::readlink((proc + "/fd/" + entry->d_name).c_str(), link, sizeof link - 1);
            uint64_t inode = 0;
            if (length <= 0 || !socket_inode(std::string(link, static_cast<size_t>(length)), inode)) continue;
            auto match = std::find_if(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == inode; });
            if (match == wanted.end()) continue;
            Fd duplicate(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), target_fd, 0)));
            if (duplicate.get() < 0 || ::listen(duplicate.get(), backlog) != 0) {
                change.error = std::string(duplicate.get() < 0 ? "pidfd_getfd" : "listen") + ": " + error_text(errno);
                ::closedir(directory);
                return change;
            }
            raised.insert(match->second);
        }
        ::closedir(directory);
    }
    for (uint16_t port : ports) (raised.count(port) ? change.raised : change.missing).push_back(port);
    return change;
}

}  // namespace ingot::tool
