#include <drivers/pci/pci_capabilities.h>
#include <drivers/pci/pci_registers.h>

namespace ingot::pci {
namespace {

// Capabilities live after the 64-byte standard header (§6.7) and need two bytes (ID, next).
constexpr uint8_t kFirstCapabilityOffset = 0x40;
constexpr uint8_t kLastCapabilityOffset = 0xFC;

}  // namespace

PciCapabilityList read_pci_capabilities(PciConfigSpace& config, PciAddress address) {
    PciCapabilityList list;
    if (!(config.read16(address, kStatus) & kStatusCapabilities)) return list;
    // §6.7: the bottom two bits of every pointer are reserved and must be masked.
    uint8_t pointer = config.read8(address, kCapabilitiesPointer) & 0xFC;
    uint64_t visited = 0;  // one bit per dword of configuration space
    while (pointer != 0) {
        if (pointer < kFirstCapabilityOffset || pointer > kLastCapabilityOffset ||
            (visited & (uint64_t{1} << (pointer / 4))) || list.capabilities.size() == kMaxCapabilities) {
            list.malformed = true;
            break;
        }
        visited |= uint64_t{1} << (pointer / 4);
        uint16_t header = config.read16(address, pointer);
        list.capabilities.push_back({pointer, static_cast<uint8_t>(header & 0xFF)});
        pointer = static_cast<uint8_t>(header >> 8) & 0xFC;
    }
    return list;
}

std::optional<uint8_t> find_pci_capability(PciConfigSpace& config, PciAddress address, uint8_t id) {
    for (const PciCapability& capability : read_pci_capabilities(config, address).capabilities)
        if (capability.id == id) return capability.offset;
    return std::nullopt;
}

}  // namespace ingot::pci
