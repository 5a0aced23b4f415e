// Whether QEMU can really run a guest under KVM on this host. /dev/kvm opening is not enough:
// under nested virtualization QEMU may abort while it sets up the virtual CPU ("failed to set
// MSR ...") or stop the guest on its first instructions ("KVM internal error"), and then wait
// paused instead of exiting. So the probe boots a real Ingot image the way `ingot run` does,
// under KVM on microvm, and believes KVM only when the guest program reports its status.
#pragma once

#include <ingot/accel_cache.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::tool {

// The status the probe program exits with: not one that ingot or QEMU produce on their own.
inline constexpr int kKvmProbeStatus = 57;
// A guest that has not reported by then counts as not running (QEMU may hang paused).
inline constexpr double kKvmProbeTimeoutSeconds = 10;

// The probe program: a static x86-64 ELF executable with one read+execute PT_LOAD segment that
// covers the ELF header, the program header (so AT_PHDR points into it, as the kernel wants)
// and the code `mov edi, status; mov eax, 231; syscall` (exit_group, x86-64 Linux ABI).
std::vector<uint8_t> kvm_probe_program(int status);

// Boots `kernel` (a kernel ELF; the smallest variant is enough) with the probe program under
// KVM with `qemu_binary`, the guest's output discarded, and says whether it reported
// kKvmProbeStatus within `timeout_seconds`. Throws ToolError when QEMU cannot be started, and
// (status 128+N) when signal N interrupts the probe.
KvmVerdict probe_kvm(const std::string& qemu_binary, std::span<const uint8_t> kernel,
                     double timeout_seconds = kKvmProbeTimeoutSeconds);

}  // namespace ingot::tool
