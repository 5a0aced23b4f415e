// Which QEMU accelerator `ingot run` uses: KVM (`-cpu host`) when it works on this host, TCG
// (`-cpu max`) otherwise (DESIGN rule 4). $INGOT_ACCEL decides instead when set:
//   kvm        KVM, without asking whether it works
//   tcg        TCG, even where KVM works
//   auto / ""  KVM when /dev/kvm opens and a probe guest runs under it (kvm_probe.h); the
//              answer is remembered until the next boot or another QEMU (accel_cache.h)
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ingot::tool {

enum class Accelerator { Kvm, Tcg };
enum class AccelSetting { Auto, Kvm, Tcg };

// "kvm" or "tcg", as QEMU's -accel and `ingot accel` spell them.
const char* accelerator_name(Accelerator accelerator);

// Parses an $INGOT_ACCEL value (nullptr when unset). Throws usage_error for anything else.
AccelSetting parse_accel_setting(const char* value);
// The setting from this process's environment.
AccelSetting accel_setting_from_environment();

// What to do when the automatic choice finds no remembered answer.
enum class ProbePolicy {
    Probe,   // boot the probe guest, warn on stderr if KVM fails, remember the answer
    Assume,  // take KVM on /dev/kvm's word (--dry-run, which starts nothing)
};

struct AccelChoice {
    Accelerator accelerator = Accelerator::Tcg;
    bool assumed = false;  // KVM taken on /dev/kvm's word: no probe, nothing remembered
};

// The accelerator for a run with `qemu_binary`. `probe_kernel` is the kernel the probe boots:
// the smallest embedded variant, never $INGOT_KERNEL's (a test stub there would report no
// status and make KVM look broken for the whole boot). Without one, KVM is assumed to work
// when /dev/kvm opens.
AccelChoice choose_accelerator(AccelSetting setting, const std::string& qemu_binary,
                               std::span<const uint8_t> probe_kernel, ProbePolicy policy);

}  // namespace ingot::tool
