#include <drivers/pci/msix.h>
#include <drivers/pci/pci_registers.h>

namespace ingot::pci {
namespace {

// Message Control (§6.8.2.3) and Table Offset/BIR (§6.8.2.4).
constexpr uint8_t kMessageControl = 2, kTableOffsetAndBir = 4;
constexpr uint16_t kTableSizeMask = 0x7FF, kFunctionMask = 1 << 14, kEnable = 1 << 15;
constexpr uint32_t kVectorControlMasked = 1;

}  // namespace

Result<MsixCapability> read_msix_capability(PciConfigSpace& config, PciAddress address, uint8_t offset) {
    // The capability is 12 bytes: it must fit in configuration space.
    if (offset > 256 - 12 || config.read8(address, offset) != kCapabilityMsix) return Errno::EINVAL;
    MsixCapability msix;
    msix.offset = offset;
    msix.table_size = static_cast<uint16_t>((config.read16(address, offset + kMessageControl) & kTableSizeMask) + 1);
    uint32_t table = config.read32(address, static_cast<uint8_t>(offset + kTableOffsetAndBir));
    msix.table_bar = table & 7;
    msix.table_offset = table & ~7u;
    if (msix.table_bar >= kBarCount) return Errno::EINVAL;
    return msix;
}

Result<uint64_t> msix_table_address(PciConfigSpace& config, const PciFunction& function, const MsixCapability& msix) {
    PciBar bar = TRY(read_pci_bar(config, function, msix.table_bar));
    uint64_t table_bytes = uint64_t{msix.table_size} * kMsixEntryBytes;
    if (bar.is_io || msix.table_offset > bar.size || table_bytes > bar.size - msix.table_offset)
        return Errno::ENODEV;
    return bar.address + msix.table_offset;
}

Result<void> program_msix_entry(volatile uint32_t* table, const MsixCapability& msix, uint16_t index,
                                uint64_t message_address, uint32_t message_data) {
    if (index >= msix.table_size) return Errno::EINVAL;
    volatile uint32_t* entry = table + index * (kMsixEntryBytes / 4);
    entry[3] = entry[3] | kVectorControlMasked;  // mask while the entry changes (§6.8.3.5)
    entry[0] = static_cast<uint32_t>(message_address);
    entry[1] = static_cast<uint32_t>(message_address >> 32);
    entry[2] = message_data;
    entry[3] = entry[3] & ~kVectorControlMasked;
    return {};
}

void enable_msix(PciConfigSpace& config, PciAddress address, const MsixCapability& msix) {
    uint8_t control = static_cast<uint8_t>(msix.offset + kMessageControl);
    uint16_t value = config.read16(address, control);
    config.write16(address, control, static_cast<uint16_t>((value | kEnable) & ~kFunctionMask));
}

}  // namespace ingot::pci
