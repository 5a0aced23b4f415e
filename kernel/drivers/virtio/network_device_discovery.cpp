#include <drivers/device_interrupts.h>
#include <drivers/pci/pci_bus_scan.h>
#include <drivers/virtio/network_device_discovery.h>
#include <drivers/virtio/virtio_interrupts.h>
#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_mmio_slots.h>
#include <drivers/virtio/virtio_pci_transport.h>
#include <lib/log.h>

namespace ingot::virtio {
namespace {

void virtio_net_interrupt(void* context) { static_cast<VirtioNet*>(context)->handle_interrupt(); }

Result<NetworkDevice> try_pci_function(pci::PciConfigSpace& config, const pci::PciFunction& function, bool interrupts) {
    auto* transport = new VirtioPciTransport(config, function);
    if (auto ready = transport->init(); !ready.ok()) {
        delete transport;
        return ready.error();
    }
    auto* net = new VirtioNet(*transport);
    int vector = interrupts ? set_up_msix(config, function, *transport, virtio_net_interrupt, net) : -1;
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
    auto* transport = map_virtio_mmio_transport(location);
    if (auto ready = transport->init(); !ready.ok() || transport->device_type() != kDeviceIdNetwork) {
        if (!ready.ok() && transport->device_type() == kDeviceIdNetwork)
            log_info("net: virtio-net at %lx is a legacy (version %u) virtio-mmio device; not driven", location.base,
                     transport->version());
        delete transport;
        return Errno::ENODEV;
    }
    auto* net = new VirtioNet(*transport);
    int vector = interrupts ? set_up_mmio_interrupt(location, virtio_net_interrupt, net) : -1;
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
    // QEMU's pc and q35 have no virtio-mmio slots: probe microvm's only on a machine without PCI.
    std::vector<VirtioMmioLocation> locations =
        virtio_mmio_candidates(search.command_line, search.probe_microvm_slots && !machine_has_pci);
    for (const VirtioMmioLocation& location : locations) {
        auto device = try_mmio_device(location, search.use_interrupts);
        if (device.ok()) return device;
    }
    return Errno::ENODEV;
}

}  // namespace ingot::virtio
