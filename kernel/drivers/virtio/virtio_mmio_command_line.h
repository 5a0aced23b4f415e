// Where virtio-mmio devices are, as the virtual machine monitor tells the kernel: QEMU's
// microvm (auto-kernel-cmdline) and Firecracker append one token per device to the kernel
// command line, in the syntax of Linux's virtio_mmio driver (drivers/virtio/virtio_mmio.c):
//
//     virtio_mmio.device=<size>@<baseaddr>:<irq>[:<id>]
//
// e.g. "virtio_mmio.device=512@0xfeb00e00:12". size takes an optional K/M/G suffix; numbers
// are decimal, 0x-prefixed hexadecimal or 0-prefixed octal (memparse, %lli), irq is decimal.
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ingot::virtio {

struct VirtioMmioLocation {
    uint64_t base = 0;
    uint64_t size = 0;
    std::optional<uint32_t> irq;  // a GSI; unknown for devices found by probing
};

// More tokens than this are ignored: no monitor offers that many devices.
inline constexpr size_t kMaxMmioDevices = 32;

// Parses the value of one token (the text after "virtio_mmio.device="). EINVAL for a
// malformed value, a size below the 0x100-byte register block, a range that wraps past
// 2^64, or an IRQ above 255.
Result<VirtioMmioLocation> parse_virtio_mmio_device(std::string_view value);

// Every well-formed virtio_mmio.device token on the command line, in order (malformed ones
// are skipped), at most kMaxMmioDevices.
std::vector<VirtioMmioLocation> virtio_mmio_devices_from_command_line(std::string_view command_line);

// QEMU microvm's fixed layout (hw/i386/microvm.c, microvm_devices_init): transports 512
// bytes apart from 0xFEB00000. QEMU names them on the command line only without ACPI; with
// ACPI there are 8 transports on GSIs 16-23, or 24 on GSIs 24-47 when the second I/O APIC
// is enabled (ioapic2, the default). The caller tells which by probing the ninth slot.
inline constexpr uint64_t kMicrovmVirtioBase = 0xFEB0'0000;
inline constexpr uint64_t kMicrovmVirtioStride = 512;
std::vector<VirtioMmioLocation> microvm_virtio_mmio_slots(bool twenty_four_transports);

}  // namespace ingot::virtio
