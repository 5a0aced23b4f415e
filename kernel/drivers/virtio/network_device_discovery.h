// Finding the machine's network card at boot: a virtio-net function on PCI bus 0 (QEMU pc and
// q35: vendor 0x1AF4, device 0x1000 transitional or 0x1041 modern), else a virtio-mmio
// device named on the kernel command line or sitting in QEMU microvm's fixed slots.
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <drivers/virtio/virtio_net.h>
#include <lib/result.h>

#include <cstdint>
#include <string_view>

namespace ingot::virtio {

struct NetworkDeviceSearch {
    pci::PciConfigSpace* pci = nullptr;  // the machine's configuration space; null: no PCI
    std::string_view command_line;       // searched for virtio_mmio.device= tokens
    bool probe_microvm_slots = true;     // when no token names a device and PCI has none
    bool use_interrupts = true;          // false: the device is only ever polled
};

struct NetworkDevice {
    VirtioNet* net = nullptr;          // initialised and running; lives as long as the kernel
    const char* transport = "";        // "virtio-pci" or "virtio-mmio"
    uint64_t location = 0;             // bus << 8 | device << 3 | function, or the MMIO base
    int interrupt_vector = -1;         // the CPU vector its interrupts arrive on; -1 if polled
};

// Brings up the first virtio network device found: transport, interrupts (MSI-X entry 0 for
// PCI; the I/O APIC line from the command line for MMIO) and the driver. A device that fails
// to initialise is reset and the search goes on. ENODEV when none works.
Result<NetworkDevice> find_network_device(const NetworkDeviceSearch& search);

}  // namespace ingot::virtio
