// The capability list of a PCI function (PCI Local Bus Specification 3.0 §6.7): a chain of
// (ID, next) headers inside configuration space, starting at the Capabilities Pointer.
// Configuration space comes from the device, so the walk is defensive: pointers into the
// header or past the end, loops and over-long lists end it and mark it malformed.
#pragma once

#include <drivers/pci/pci_config_space.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace ingot::pci {

struct PciCapability {
    uint8_t offset;  // of the capability header in configuration space
    uint8_t id;
};

struct PciCapabilityList {
    std::vector<PciCapability> capabilities;  // in list order
    bool malformed = false;  // the walk stopped at a bad pointer or a loop
};

// The most capabilities a 256-byte space can hold (192 bytes after the header, 4 each):
// Linux's PCI_FIND_CAP_TTL.
inline constexpr size_t kMaxCapabilities = 48;

// Walks the function's capability list. Empty when the Status register announces none.
PciCapabilityList read_pci_capabilities(PciConfigSpace& config, PciAddress address);

// Offset of the first capability with this ID, if any.
std::optional<uint8_t> find_pci_capability(PciConfigSpace& config, PciAddress address, uint8_t id);

}  // namespace ingot::pci
