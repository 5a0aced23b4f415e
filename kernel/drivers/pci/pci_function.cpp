#include <drivers/pci/pci_function.h>
#include <drivers/pci/pci_registers.h>

namespace ingot::pci {
namespace {

uint8_t bar_offset(unsigned index) { return static_cast<uint8_t>(kBar0 + 4 * index); }

// Writes all ones to the BAR dword at `offset` and returns what sticks, restoring the original.
uint32_t probe_bar_dword(PciConfigSpace& config, PciAddress address, uint8_t offset) {
    uint32_t original = config.read32(address, offset);
    config.write32(address, offset, 0xFFFF'FFFF);
    uint32_t mask = config.read32(address, offset);
    config.write32(address, offset, original);
    return mask;
}

}  // namespace

Result<PciFunction> read_pci_function(PciConfigSpace& config, PciAddress address) {
    if (address.device > 31 || address.function > 7) return Errno::EINVAL;
    PciFunction f;
    f.address = address;
    f.vendor_id = config.read16(address, kVendorId);
    if (f.vendor_id == kNoVendor || f.vendor_id == 0) return Errno::ENODEV;
    f.device_id = config.read16(address, kDeviceId);
    uint32_t class_register = config.read32(address, kRevisionId);
    f.revision = static_cast<uint8_t>(class_register);
    f.programming_interface = static_cast<uint8_t>(class_register >> 8);
    f.subclass = static_cast<uint8_t>(class_register >> 16);
    f.base_class = static_cast<uint8_t>(class_register >> 24);
    uint8_t header = config.read8(address, kHeaderType);
    f.header_type = header & kHeaderTypeMask;
    f.multi_function = (header & kHeaderMultiFunction) != 0;
    if (f.header_type == kHeaderTypeDevice) {
        f.subsystem_vendor_id = config.read16(address, kSubsystemVendorId);
        f.subsystem_id = config.read16(address, kSubsystemId);
    }
    return f;
}

Result<PciBar> read_pci_bar(PciConfigSpace& config, const PciFunction& function, unsigned index) {
    if (index >= kBarCount || function.header_type != kHeaderTypeDevice) return Errno::EINVAL;
    PciAddress address = function.address;
    uint8_t offset = bar_offset(index);
    uint32_t low = config.read32(address, offset);
    PciBar bar;
    bar.is_io = (low & kBarIoSpace) != 0;
    bar.is_64bit = !bar.is_io && (low & kBarTypeMask) == kBarType64;
    bar.prefetchable = !bar.is_io && (low & kBarPrefetchable) != 0;
    if (bar.is_64bit && index + 1 >= kBarCount) return Errno::EINVAL;

    // Sizing with decoding off, so the device never answers at the all-ones address.
    uint16_t command = config.read16(address, kCommand);
    config.write16(address, kCommand, command & ~(kCommandIoSpace | kCommandMemorySpace));
    uint32_t low_mask = probe_bar_dword(config, address, offset);
    uint32_t high = bar.is_64bit ? config.read32(address, bar_offset(index + 1)) : 0;
    uint32_t high_mask = bar.is_64bit ? probe_bar_dword(config, address, bar_offset(index + 1)) : 0xFFFF'FFFF;
    config.write16(address, kCommand, command);

    uint64_t mask;
    if (bar.is_io) {
        // I/O BARs decode 16-bit port numbers on x86; the upper bits may read as zero.
        mask = 0xFFFF'FFFF'FFFF'0000ull | (low_mask & 0xFFFC);
        if ((low_mask & 0xFFFC) == 0) return Errno::ENODEV;
        bar.address = low & 0xFFFC;
    } else {
        mask = (uint64_t{high_mask} << 32) | (low_mask & ~0xFu);
        if ((low_mask & ~0xFu) == 0 && !bar.is_64bit) return Errno::ENODEV;  // not implemented
        if (mask == 0) return Errno::ENODEV;
        bar.address = (uint64_t{high} << 32) | (low & ~0xFu);
    }
    bar.size = ~mask + 1;
    // The writable bits must be one contiguous run from the top (§6.2.5.1).
    if ((bar.size & (bar.size - 1)) != 0) return Errno::ENODEV;
    if (bar.address == 0 || bar.address + bar.size < bar.address) return Errno::ENODEV;  // unassigned
    return bar;
}

void enable_pci_memory_and_dma(PciConfigSpace& config, PciAddress address) {
    uint16_t command = config.read16(address, kCommand);
    config.write16(address, kCommand, command | kCommandMemorySpace | kCommandBusMaster);
}

}  // namespace ingot::pci
