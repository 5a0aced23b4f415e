// Access to PCI configuration space (PCI Local Bus Specification 3.0 §6.1): the first 256
// bytes of each function, addressed by bus, device and function. The machine's mechanism is
// the architecture's (ports 0xCF8/0xCFC on x86); host tests supply hand-built spaces.
#pragma once

#include <cstdint>

namespace ingot::pci {

struct PciAddress {
    uint8_t bus = 0;
    uint8_t device = 0;    // 0-31
    uint8_t function = 0;  // 0-7
};

class PciConfigSpace {
public:
    virtual ~PciConfigSpace() = default;

    // Reads `width` bytes (1, 2 or 4) at `offset` (below 256, a multiple of width). A
    // function that does not exist reads as all ones.
    virtual uint32_t read(PciAddress address, uint8_t offset, unsigned width) = 0;
    // Writes `width` bytes (1, 2 or 4) at `offset` (below 256, a multiple of width).
    virtual void write(PciAddress address, uint8_t offset, unsigned width, uint32_t value) = 0;

    uint8_t read8(PciAddress a, uint8_t offset) { return static_cast<uint8_t>(read(a, offset, 1)); }
    uint16_t read16(PciAddress a, uint8_t offset) { return static_cast<uint16_t>(read(a, offset, 2)); }
    uint32_t read32(PciAddress a, uint8_t offset) { return read(a, offset, 4); }
    void write16(PciAddress a, uint8_t offset, uint16_t value) { write(a, offset, 2, value); }
    void write32(PciAddress a, uint8_t offset, uint32_t value) { write(a, offset, 4, value); }
};

// The machine's configuration space access; implemented by the architecture.
PciConfigSpace& platform_pci_config_space();

}  // namespace ingot::pci
