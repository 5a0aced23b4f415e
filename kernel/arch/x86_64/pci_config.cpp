// PCI configuration access through configuration mechanism #1 (PCI Local Bus Specification
// 3.0 §3.2.2.3.2): the function and dword go to CONFIG_ADDRESS (port 0xCF8), the data moves
// through CONFIG_DATA (ports 0xCFC-0xCFF). Used on QEMU's pc and q35; the first 256 bytes of
// each function are all the kernel needs, so PCIe's memory-mapped space is not used.
#include <drivers/pci/pci_config_space.h>

namespace ingot::pci {
namespace {

constexpr uint16_t kConfigAddress = 0xCF8, kConfigData = 0xCFC;

inline void out32(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline void out16(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void out8(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline uint32_t in32(uint16_t port) {
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint16_t in16(uint16_t port) {
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint8_t in8(uint16_t port) {
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

class PortIoConfigSpace final : public PciConfigSpace {
public:
    uint32_t read(PciAddress a, uint8_t offset, unsigned width) override {
        select(a, offset);
        uint16_t port = static_cast<uint16_t>(kConfigData + (offset & 3));
        if (width == 1) return in8(port);
        if (width == 2) return in16(port);
        return in32(kConfigData);
    }

    void write(PciAddress a, uint8_t offset, unsigned width, uint32_t value) override {
        select(a, offset);
        uint16_t port = static_cast<uint16_t>(kConfigData + (offset & 3));
        if (width == 1) out8(port, static_cast<uint8_t>(value));
        else if (width == 2) out16(port, static_cast<uint16_t>(value));
        else out32(kConfigData, value);
    }

private:
    // Enable bit, bus, device, function and the dword-aligned register number.
    static void select(PciAddress a, uint8_t offset) {
        out32(kConfigAddress, 0x8000'0000u | (uint32_t{a.bus} << 16) | (uint32_t{a.device & 31u} << 11) |
                                  (uint32_t{a.function & 7u} << 8) | (offset & 0xFCu));
    }
};

PortIoConfigSpace port_io_config_space;

}  // namespace

PciConfigSpace& platform_pci_config_space() { return port_io_config_space; }

}  // namespace ingot::pci
