#include <drivers/pci/pci_capabilities.h>
#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/virtio_pci_capabilities.h>

namespace ingot::virtio {
namespace {

// struct virtio_pci_cap (§4.1.4): cap_vndr, cap_next, cap_len, cfg_type, bar, id, padding[2],
// offset (le32), length (le32); the notification capability adds notify_off_multiplier.
constexpr uint8_t kCapLength = 2, kCfgType = 3, kBar = 4, kOffset = 8, kLength = 12, kNotifyMultiplier = 16;
constexpr uint8_t kCapBytes = 16, kNotifyCapBytes = 20;

// Smallest window each structure needs: the 1.0 common configuration, a 16-bit notification
// write, one ISR byte.
uint32_t minimum_length(uint8_t type) {
    switch (type) {
    case kPciCapCommonConfig: return kCommonConfigMinimumLength;
    case kPciCapNotifyConfig: return 2;
    default: return 1;
    }
}

}  // namespace

Result<VirtioPciLayout> read_virtio_pci_layout(pci::PciConfigSpace& config, pci::PciAddress address) {
    VirtioPciLayout layout;
    bool have_common = false, have_notify = false, have_isr = false;
    for (const pci::PciCapability& cap : pci::read_pci_capabilities(config, address).capabilities) {
        if (cap.id != pci::kCapabilityVendor) continue;
        uint8_t type = config.read8(address, cap.offset + kCfgType);
        uint8_t cap_length = config.read8(address, cap.offset + kCapLength);
        uint8_t needed = type == kPciCapNotifyConfig ? kNotifyCapBytes : kCapBytes;
        // The structure must be as long as it claims and lie inside configuration space.
        if (cap_length < needed || cap.offset + needed > 256) continue;
        VirtioPciRegion region;
        region.bar = config.read8(address, cap.offset + kBar);
        region.offset = config.read32(address, cap.offset + kOffset);
        region.length = config.read32(address, cap.offset + kLength);
        // §4.1.4: BAR values 0x6-0xF are reserved; the driver ignores such structures.
        if (region.bar >= pci::kBarCount || region.length < minimum_length(type)) continue;
        if (uint64_t{region.offset} + region.length > 0xFFFF'FFFFull) continue;
        switch (type) {
        case kPciCapCommonConfig:
            if (!have_common) layout.common = region;
            have_common = true;
            break;
        case kPciCapNotifyConfig:
            if (!have_notify) {
                layout.notify = region;
                layout.notify_offset_multiplier = config.read32(address, cap.offset + kNotifyMultiplier);
            }
            have_notify = true;
            break;
        case kPciCapIsrConfig:
            if (!have_isr) layout.isr = region;
            have_isr = true;
            break;
        case kPciCapDeviceConfig:
            if (!layout.device) layout.device = region;
            break;
        default: break;  // PCI configuration access, shared memory, vendor data: unused
        }
    }
    if (!have_common || !have_notify || !have_isr) return Errno::ENODEV;
    return layout;
}

}  // namespace ingot::virtio
