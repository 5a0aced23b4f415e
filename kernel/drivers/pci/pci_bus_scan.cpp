#include <drivers/pci/pci_bus_scan.h>

namespace ingot::pci {

std::vector<PciFunction> scan_pci_bus(PciConfigSpace& config, uint8_t bus) {
    std::vector<PciFunction> found;
    for (uint8_t device = 0; device < 32; ++device) {
        auto first = read_pci_function(config, {bus, device, 0});
        if (!first.ok()) continue;
        found.push_back(first.value());
        if (!first.value().multi_function) continue;
        for (uint8_t function = 1; function < 8; ++function) {
            auto other = read_pci_function(config, {bus, device, function});
            if (other.ok()) found.push_back(other.value());
        }
    }
    return found;
}

}  // namespace ingot::pci
