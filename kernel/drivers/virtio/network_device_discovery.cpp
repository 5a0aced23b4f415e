#include <drivers/device_interrupts.h>
#include <drivers/pci/msix.h>
#include <drivers/pci/pci_bus_scan.h>
#include <drivers/pci/pci_capabilities.h>
#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/network_device_discovery.h>
#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_mmio_transport.h>
#include <drivers/virtio/virtio_pci_transport.h>
#include <lib/log.h>
#include <mm/device_memory.h>

#include <algorithm>

namespace ingot::virtio {
namespace {

// At most this much of a virtio-mmio window is mapped: registers and a configuration space
// far larger than any device has. A command line claiming more does not map more.
constexpr uint64_t kMmioMapLimit = 0x1000;

// Whether QEMU microvm's ninth virtio-mmio transport exists (it has 24 with ioapic2, else 8):
// a transport answers with the magic value whether or not a device sits behind it.
bool microvm_has_24_transports() {
    constexpr uint64_t kNinthSlot = kMicrovmVirtioBase + 8 * kMicrovmVirtioStride;
    auto* registers = static_cast<volatile uint8_t*>(map_device_memory(kNinthSlot, kMmioRegisterBytes));
    return VirtioMmioTransport(registers, kMmioRegisterBytes).present();
}

void virtio_net_interrupt(void* context) { static_cast<VirtioNet*>(context)->handle_interrupt(); }

// Points MSI-X table entry 0 at a fresh vector for `net`. -1 when the function has no usable
// MSI-X (the device is then polled: INTx routing would need ACPI's _PRT).
int set_up_msix(pci::PciConfigSpace& config, const pci::PciFunction& function, VirtioPciTransport& transport,
                VirtioNet& net) {
    std::optional<uint8_t> offset = pci::find_pci_capability(config, function.address, pci::kCapabilityMsix);
    if (!offset) return -1;
    auto msix = pci::read_msix_capability(config, function.address, *offset);
    if (!msix.ok()) return -1;
    auto table_phys = pci::msix_table_address(config, function, msix.value());
    if (!table_phys.ok()) return -1;
    auto vector = allocate_interrupt_vector(virtio_net_interrupt, &net);
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

Result<NetworkDevice> try_pci_function(pci::PciConfigSpace& config, const pci::PciFunction& function, bool interrupts) {
    auto* transport = new VirtioPciTransport(config, function);
    if (auto ready = transport->init(); !ready.ok()) {
        delete transport;
        return ready.error();
    }
    auto* net = new VirtioNet(*transport);
    int vector = interrupts ? set_up_msix(config, function, *transport, *net) : -1;
    if (auto ready = net->init(); !ready.ok()) {
        if (vector >= 0) release_interrupt_vector(static_cast<uint8_t>(vector));
        delete net;  // resets the device
        delete transport;
        return ready.error();
    }
    const pci::PciAddress& a = function.address;
    uint64_t location = (uint64_t{a.bus} << 8) | (uint64_t{a.device} << 3) | a.function;
    return NetworkDevice{net, "virtio-pci", location, vector};
}

Result<NetworkDevice> try_mmio_device(const VirtioMmioLocation& location, bool interrupts) {
    uint64_t window = std::min(location.size, kMmioMapLimit);
    auto* registers = static_cast<volatile uint8_t*>(map_device_memory(location.base, window));
    auto* transport = new VirtioMmioTransport(registers, window);
    if (auto ready = transport->init(); !ready.ok() || transport->device_type() != kDeviceIdNetwork) {
        if (!ready.ok() && transport->device_type() == kDeviceIdNetwork)
            log_info("net: virtio-net at %lx is a legacy (version %u) virtio-mmio device; not driven", location.base,
                     transport->version());
        delete transport;
        return Errno::ENODEV;
    }
    auto* net = new VirtioNet(*transport);
    int vector = -1;
    if (interrupts && location.irq) {
        auto allocated = allocate_interrupt_vector(virtio_net_interrupt, net);
        if (allocated.ok() && route_interrupt_line(*location.irq, allocated.value()).ok()) vector = allocated.value();
        else if (allocated.ok()) release_interrupt_vector(allocated.value());
    }
    if (auto ready = net->init(); !ready.ok()) {
        if (vector >= 0) release_interrupt_vector(static_cast<uint8_t>(vector));
        delete net;
        delete transport;
        return ready.error();
    }
    return NetworkDevice{net, "virtio-mmio", location.base, vector};
}

}  // namespace

Result<NetworkDevice> find_network_device(const NetworkDeviceSearch& search) {
    bool machine_has_pci = false;
    if (search.pci) {
        std::vector<pci::PciFunction> functions = pci::scan_pci_bus(*search.pci, 0);
        machine_has_pci = !functions.empty();
        for (const pci::PciFunction& function : functions) {
            std::optional<uint32_t> type = VirtioPciTransport::device_type_of(function);
            if (!type || *type != kDeviceIdNetwork) continue;
            auto device = try_pci_function(*search.pci, function, search.use_interrupts);
            if (device.ok()) return device;
            log_info("net: virtio-net at PCI %02x:%02x.%x unusable (%s)", function.address.bus,
                     function.address.device, function.address.function, errno_name(device.error()));
        }
    }
    std::vector<VirtioMmioLocation> locations = virtio_mmio_devices_from_command_line(search.command_line);
    // QEMU's pc and q35 have no virtio-mmio slots: probe microvm's only on a machine without PCI.
    if (locations.empty() && search.probe_microvm_slots && !machine_has_pci)
        locations = microvm_virtio_mmio_slots(microvm_has_24_transports());
    for (const VirtioMmioLocation& location : locations) {
        auto device = try_mmio_device(location, search.use_interrupts);
        if (device.ok()) return device;
    }
    return Errno::ENODEV;
}

}  // namespace ingot::virtio
