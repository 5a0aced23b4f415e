// Enumeration of the functions on one PCI bus (PCI Local Bus Specification 3.0 §6.1: a
// vendor ID of FFFFh means no function; functions 1-7 exist only on multi-function devices).
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <drivers/pci/pci_function.h>

#include <cstdint>
#include <vector>

namespace ingot::pci {

// Every function present on `bus`, in device and function order. QEMU's pc and q35 put
// their devices on bus 0, so the kernel does not walk bridges.
std::vector<PciFunction> scan_pci_bus(PciConfigSpace& config, uint8_t bus);

}  // namespace ingot::pci
