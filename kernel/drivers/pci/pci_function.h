// One PCI function: its identity from the configuration header, its Base Address Registers
// (PCI Local Bus Specification 3.0 §6.2.5.1), and the command bits a driver turns on.
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::pci {

struct PciFunction {
    PciAddress address;
    uint16_t vendor_id = 0;
    uint16_t device_id = 0;
    uint16_t subsystem_vendor_id = 0;
    uint16_t subsystem_id = 0;
    uint8_t base_class = 0;
    uint8_t subclass = 0;
    uint8_t programming_interface = 0;
    uint8_t revision = 0;
    uint8_t header_type = 0;  // without the multi-function bit
    bool multi_function = false;
};

// What a BAR decodes: a memory or I/O range.
struct PciBar {
    uint64_t address = 0;
    uint64_t size = 0;
    bool is_io = false;
    bool is_64bit = false;
    bool prefetchable = false;
};

// Reads the identity of the function at `address`. ENODEV when nothing answers there.
Result<PciFunction> read_pci_function(PciConfigSpace& config, PciAddress address);

// Decodes BAR `index` (0-5) of a type 0 function, including its size, which is found by
// writing all ones with decoding switched off (§6.2.5.1) and then restored. EINVAL for a bad
// index, a non-device header or the upper half of a 64-bit BAR; ENODEV for a BAR that is not
// implemented or not assigned an address.
Result<PciBar> read_pci_bar(PciConfigSpace& config, const PciFunction& function, unsigned index);

// Turns on memory decoding and bus mastering (the device reads and writes RAM by DMA).
void enable_pci_memory_and_dma(PciConfigSpace& config, PciAddress address);

}  // namespace ingot::pci
