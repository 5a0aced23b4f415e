#include <ingot/accel_cache.h>

#include <ingot/file_io.h>
#include <ingot/tool_error.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ingot::tool {

namespace {

constexpr std::string_view kFormatLine = "ingot kvm probe 1\n";
constexpr std::string_view kWorksLine = "kvm works\n";
constexpr std::string_view kFailsLine = "kvm fails\n";
constexpr std::string_view kReasonPrefix = "reason ";

// FNV-1a, 64 bits: a stable file name for a path of any length or content.
uint64_t fnv1a(std::string_view text) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

std::string hex64(uint64_t value) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string digits(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4) digits[static_cast<size_t>(i)] = kHex[value & 0xF];
    return digits;
}

std::optional<std::string> read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return std::nullopt;
    return text;
}

std::string format_key(const ProbeKey& key) {
    return std::string(kFormatLine) + "boot_id " + key.boot_id + "\nqemu " + key.qemu_path +
           "\nqemu_mtime_ns " + std::to_string(key.qemu_mtime_ns) + "\nqemu_size " + std::to_string(key.qemu_size) +
           "\n";
}

// One line: a reason with line breaks would end the entry early.
std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

// mkdir -p, new directories with mode 0700 as the XDG specification asks.
bool make_directories(const std::string& path) {
    if (path.empty()) return false;
    for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        std::string prefix = path.substr(0, slash);
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
        if (slash == std::string::npos) break;
    }
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::optional<ProbeKey> probe_key(const std::string& qemu_binary, const std::string& boot_id_file) {
    std::optional<std::string> boot_id = read_small_file(boot_id_file);
    if (!boot_id) return std::nullopt;
    while (!boot_id->empty() && (boot_id->back() == '\n' || boot_id->back() == ' ')) boot_id->pop_back();
    if (boot_id->empty() || boot_id->find('\n') != std::string::npos) return std::nullopt;

    char resolved[PATH_MAX];
    if (::realpath(qemu_binary.c_str(), resolved) == nullptr) return std::nullopt;
    struct stat st {};
    if (::stat(resolved, &st) != 0) return std::nullopt;
    ProbeKey key;
    key.boot_id = *boot_id;
    key.qemu_path = resolved;
    key.qemu_mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    key.qemu_size = static_cast<uint64_t>(st.st_size);
    return key;
}

std::optional<std::string> accel_cache_directory(const char* xdg_cache_home, const char* home) {
    if (xdg_cache_home && xdg_cache_home[0] == '/') return std::string(xdg_cache_home) + "/ingot";
    if (home && home[0] == '/') return std::string(home) + "/.cache/ingot";
    return std::nullopt;
}

std::optional<std::string> accel_cache_directory() {
    return accel_cache_directory(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
}

std::string accel_cache_file(const std::string& directory, const ProbeKey& key) {
    return directory + "/kvm-" + hex64(fnv1a(key.qemu_path));
}

std::string format_cache_entry(const ProbeKey& key, const KvmVerdict& verdict) {
    std::string text = format_key(key);
    if (verdict.works) return text + std::string(kWorksLine);
    return text + std::string(kFailsLine) + std::string(kReasonPrefix) + one_line(verdict.reason) + "\n";
}

std::optional<KvmVerdict> parse_cache_entry(std::string_view text, const ProbeKey& key) {
    std::string expected_key = format_key(key);
    if (!text.starts_with(expected_key)) return std::nullopt;
    text.remove_prefix(expected_key.size());
    if (text == kWorksLine) return KvmVerdict{true, ""};
    if (!text.starts_with(kFailsLine)) return std::nullopt;
    text.remove_prefix(kFailsLine.size());
    if (!text.starts_with(kReasonPrefix) || !text.ends_with('\n')) return std::nullopt;
    std::string_view reason = text.substr(kReasonPrefix.size(), text.size() - kReasonPrefix.size() - 1);
    if (reason.find('\n') != std::string_view::npos) return std::nullopt;
    return KvmVerdict{false, std::string(reason)};
}

std::optional<KvmVerdict> read_cached_verdict(const std::string& directory, const ProbeKey& key) {
    std::optional<std::string> text = read_small_file(accel_cache_file(directory, key));
    if (!text) return std::nullopt;
    return parse_cache_entry(*text, key);
}

bool write_cached_verdict(const std::string& directory, const ProbeKey& key, const KvmVerdict& verdict) {
    if (!make_directories(directory)) return false;
    std::string text = format_cache_entry(key, verdict);
    try {
        write_file_atomically(accel_cache_file(directory, key),
                              {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    } catch (const ToolError&) {
        return false;
    }
    return true;
}

AccelCacheLock::AccelCacheLock(const std::string& directory) {
    if (!make_directories(directory)) return;
    fd_ = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return;
    int result;
    do {
        result = ::flock(fd_, LOCK_EX);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

AccelCacheLock::~AccelCacheLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace ingot::tool
