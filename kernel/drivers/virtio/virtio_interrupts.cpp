#include <drivers/pci/msix.h>
#include <drivers/pci/pci_capabilities.h>
#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/virtio_interrupts.h>
#include <mm/device_memory.h>

namespace ingot::virtio {

int set_up_msix(pci::PciConfigSpace& config, const pci::PciFunction& function, VirtioPciTransport& transport,
                InterruptHandler handler, void* context) {
    std::optional<uint8_t> offset = pci::find_pci_capability(config, function.address, pci::kCapabilityMsix);
    if (!offset) return -1;
    auto msix = pci::read_msix_capability(config, function.address, *offset);
    if (!msix.ok()) return -1;
    auto table_phys = pci::msix_table_address(config, function, msix.value());
    if (!table_phys.ok()) return -1;
    auto vector = allocate_interrupt_vector(handler, context);
    if (!vector.ok()) return -1;
    auto* table = static_cast<volatile uint32_t*>(
        map_device_memory(table_phys.value(), uint64_t{msix.value().table_size} * pci::kMsixEntryBytes));
    MsiMessage message = msi_message_for_vector(vector.value());
    if (!pci::program_msix_entry(table, msix.value(), 0, message.address, message.data).ok()) {
        release_interrupt_vector(vector.value());
        return -1;
    }
    pci::enable_msix(config, function.address, msix.value());
    transport.use_msix_entry(0);
    return vector.value();
}

int set_up_mmio_interrupt(const VirtioMmioLocation& location, InterruptHandler handler, void* context) {
    if (!location.irq) return -1;
    auto allocated = allocate_interrupt_vector(handler, context);
    if (!allocated.ok()) return -1;
    if (!route_interrupt_line(*location.irq, allocated.value()).ok()) {
        release_interrupt_vector(allocated.value());
        return -1;
    }
    return allocated.value();
}

}  // namespace ingot::virtio
