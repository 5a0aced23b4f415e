// Remembers whether KVM can run guests on this host, so that only the first `ingot run` after
// a boot (or after QEMU changes) pays for the probe of kvm_probe.h. One small file per QEMU
// binary under $XDG_CACHE_HOME/ingot (else ~/.cache/ingot, XDG Base Directory Specification),
// valid while the host's boot id and the binary's path, modification time and size stay the
// same. The cache is an optimisation only: when it cannot be read or written, ingot probes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot::tool {

// What a probe found out: whether a guest ran under KVM, and if not, why (one line).
struct KvmVerdict {
    bool works = false;
    std::string reason;
};

// What an answer depends on. A reboot (a new boot id) may bring another kernel, KVM module or
// module parameters; another or a changed QEMU binary may treat KVM differently.
struct ProbeKey {
    std::string boot_id;    // /proc/sys/kernel/random/boot_id, without the newline
    std::string qemu_path;  // the binary's real path (symbolic links resolved)
    int64_t qemu_mtime_ns = 0;
    uint64_t qemu_size = 0;

    bool operator==(const ProbeKey&) const = default;
};

inline constexpr const char* kBootIdFile = "/proc/sys/kernel/random/boot_id";

// The key for `qemu_binary`, or nullopt when the boot id or the binary cannot be read (the
// answer then cannot be remembered safely).
std::optional<ProbeKey> probe_key(const std::string& qemu_binary, const std::string& boot_id_file = kBootIdFile);

// "$XDG_CACHE_HOME/ingot" when that variable holds an absolute path (the specification says
// to ignore a relative one), else "$HOME/.cache/ingot", else nullopt.
std::optional<std::string> accel_cache_directory(const char* xdg_cache_home, const char* home);
// The same from this process's environment.
std::optional<std::string> accel_cache_directory();

// The file in `directory` that holds the answer for the key's QEMU binary.
std::string accel_cache_file(const std::string& directory, const ProbeKey& key);

// The file's contents for a verdict, and the verdict back from them: nullopt unless they were
// written for exactly `key` by this format.
std::string format_cache_entry(const ProbeKey& key, const KvmVerdict& verdict);
std::optional<KvmVerdict> parse_cache_entry(std::string_view text, const ProbeKey& key);

// The remembered verdict for `key` in `directory`, if any.
std::optional<KvmVerdict> read_cached_verdict(const std::string& directory, const ProbeKey& key);

// Remembers a verdict: creates `directory` (mode 0700) if needed and replaces the file
// atomically, so concurrent readers see the old answer or the new one. False when it cannot.
bool write_cached_verdict(const std::string& directory, const ProbeKey& key, const KvmVerdict& verdict);

// Holds an exclusive lock on the cache directory (flock), so that runs started together
// probe once and the others read the answer. Without a directory the lock is simply not held.
class AccelCacheLock {
public:
    explicit AccelCacheLock(const std::string& directory);
    ~AccelCacheLock();
    AccelCacheLock(const AccelCacheLock&) = delete;
    AccelCacheLock& operator=(const AccelCacheLock&) = delete;

    bool held() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

}  // namespace ingot::tool
