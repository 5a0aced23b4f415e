// Finding every virtio block device at boot and registering it as a disk (block/
// disk_registry.h), in the order the host attached them: virtio-blk functions on PCI bus 0 in
// slot order (QEMU pc and q35 give -device entries increasing slots), then virtio-mmio
// devices (QEMU microvm plugs the first -device into the highest transport).
#pragma once

#include <drivers/pci/pci_config_space.h>

#include <cstddef>
#include <string_view>

namespace ingot::virtio {

struct BlockDeviceSearch {
    pci::PciConfigSpace* pci = nullptr;  // the machine's configuration space; null: no PCI
    std::string_view command_line;       // searched for virtio_mmio.device= tokens
    bool probe_microvm_slots = true;     // when no token names a device and PCI has none
};

// Brings up each virtio block device found (transport, interrupt, driver) and registers it.
// A device that fails to initialise is logged and skipped. Returns the number registered.
size_t register_block_devices(const BlockDeviceSearch& search);

}  // namespace ingot::virtio
