// MSI-X (PCI Local Bus Specification 3.0 §6.8.2): a table of message address/data pairs in
// one of the function's BARs; the device writes an entry's data to its address to interrupt.
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <drivers/pci/pci_function.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::pci {

struct MsixCapability {
    uint8_t offset = 0;        // of the capability in configuration space
    uint16_t table_size = 0;   // entries (1-2048)
    uint8_t table_bar = 0;     // BAR indicator (BIR)
    uint32_t table_offset = 0; // inside that BAR, 8-byte aligned
};

// One MSI-X table entry (§6.8.2.6-§6.8.2.9): 16 bytes.
inline constexpr uint32_t kMsixEntryBytes = 16;

// Decodes the MSI-X capability at `offset`. EINVAL when it is not an MSI-X capability or
// names a BAR that does not exist.
Result<MsixCapability> read_msix_capability(PciConfigSpace& config, PciAddress address, uint8_t offset);

// Physical address of the table, checked to lie inside its BAR. ENODEV when the BAR is not
// a memory BAR or the table does not fit in it.
Result<uint64_t> msix_table_address(PciConfigSpace& config, const PciFunction& function, const MsixCapability& msix);

// Writes entry `index` of a mapped table: the message address and data, unmasked.
// Returns EINVAL for an index beyond the table.
Result<void> program_msix_entry(volatile uint32_t* table, const MsixCapability& msix, uint16_t index,
                                uint64_t message_address, uint32_t message_data);

// Sets MSI-X Enable and clears Function Mask (§6.8.2.3); INTx is then off for the function.
void enable_msix(PciConfigSpace& config, PciAddress address, const MsixCapability& msix);

}  // namespace ingot::pci
