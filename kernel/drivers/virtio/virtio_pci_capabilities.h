// The vendor-specific PCI capabilities through which a modern virtio PCI device describes
// where its register blocks live (virtio 1.2 §4.1.4): common configuration, notification,
// ISR status and device-specific configuration, each a (BAR, offset, length) window.
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <lib/result.h>

#include <cstdint>
#include <optional>

namespace ingot::virtio {

// cfg_type values (§4.1.4).
inline constexpr uint8_t kPciCapCommonConfig = 1;
inline constexpr uint8_t kPciCapNotifyConfig = 2;
inline constexpr uint8_t kPciCapIsrConfig = 3;
inline constexpr uint8_t kPciCapDeviceConfig = 4;

// struct virtio_pci_common_cfg is 0x38 bytes in virtio 1.0; newer fields are optional.
inline constexpr uint32_t kCommonConfigMinimumLength = 0x38;

struct VirtioPciRegion {
    uint8_t bar = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
};

struct VirtioPciLayout {
    VirtioPciRegion common;
    VirtioPciRegion notify;
    VirtioPciRegion isr;
    std::optional<VirtioPciRegion> device;  // absent for devices without configuration
    uint32_t notify_offset_multiplier = 0;
};

// Finds the first usable capability of each type, as §4.1.4 asks (later ones are
// alternatives the driver may ignore). Capabilities with a reserved BAR number, too short a
// cap_len or a window too small for its structure are skipped. ENODEV when common, notify or
// ISR configuration is missing (a legacy-only device).
Result<VirtioPciLayout> read_virtio_pci_layout(pci::PciConfigSpace& config, pci::PciAddress address);

}  // namespace ingot::virtio
