#include <ingot/accelerator.h>

#include <ingot/accel_cache.h>
#include <ingot/kvm_probe.h>
#include <ingot/qemu_command.h>
#include <ingot/tool_error.h>

#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace ingot::tool {

namespace {

// Probes under the cache lock, so that runs started together probe once; a run that waited
// finds the answer the first one wrote.
KvmVerdict probe_and_remember(const std::string& qemu_binary, std::span<const uint8_t> kernel,
                              const std::optional<ProbeKey>& key, const std::optional<std::string>& directory) {
    bool cacheable = key && directory;
    std::optional<AccelCacheLock> lock;
    if (cacheable) {
        lock.emplace(*directory);
        if (std::optional<KvmVerdict> cached = read_cached_verdict(*directory, *key)) return *cached;
    }
    KvmVerdict verdict = probe_kvm(qemu_binary, kernel);
    if (!verdict.works) {
        fmt::print(stderr,
                   "ingot: warning: KVM cannot run guests on this host ({}); using TCG (INGOT_ACCEL=kvm forces KVM)\n",
                   verdict.reason);
    }
    if (cacheable) write_cached_verdict(*directory, *key, verdict);
    return verdict;
}

}  // namespace

const char* accelerator_name(Accelerator accelerator) { return accelerator == Accelerator::Kvm ? "kvm" : "tcg"; }

AccelSetting parse_accel_setting(const char* value) {
    std::string_view text = value ? value : "";
    if (text.empty() || text == "auto") return AccelSetting::Auto;
    if (text == "kvm") return AccelSetting::Kvm;
    if (text == "tcg") return AccelSetting::Tcg;
    throw usage_error("INGOT_ACCEL: unknown accelerator '" + std::string(text) + "' (use kvm, tcg or auto)");
}

AccelSetting accel_setting_from_environment() { return parse_accel_setting(std::getenv("INGOT_ACCEL")); }

AccelChoice choose_accelerator(AccelSetting setting, const std::string& qemu_binary,
                               std::span<const uint8_t> probe_kernel, ProbePolicy policy) {
    if (setting == AccelSetting::Kvm) return {Accelerator::Kvm, false};
    if (setting == AccelSetting::Tcg || !kvm_available()) return {Accelerator::Tcg, false};

    std::optional<ProbeKey> key = probe_key(qemu_binary);
    std::optional<std::string> directory = accel_cache_directory();
    if (key && directory) {
        if (std::optional<KvmVerdict> cached = read_cached_verdict(*directory, *key))
            return {cached->works ? Accelerator::Kvm : Accelerator::Tcg, false};
    }
    if (policy == ProbePolicy::Assume || probe_kernel.empty()) return {Accelerator::Kvm, true};
    KvmVerdict verdict = probe_and_remember(qemu_binary, probe_kernel, key, directory);
    return {verdict.works ? Accelerator::Kvm : Accelerator::Tcg, false};
}

}  // namespace ingot::tool
