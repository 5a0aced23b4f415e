// Connecting a virtio device's interrupt to a CPU vector, for any driver: MSI-X table entry 0
// of a PCI function, or the I/O APIC line a virtio-mmio device's command-line token names.
#pragma once

#include <drivers/device_interrupts.h>
#include <drivers/pci/pci_config_space.h>
#include <drivers/pci/pci_function.h>
#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_pci_transport.h>

namespace ingot::virtio {

// Points MSI-X table entry 0 of `function` at a fresh vector calling handler(context), and
// tells the transport to signal through it. Returns the vector, or -1 when the function has
// no usable MSI-X (the device is then polled: INTx routing would need ACPI's _PRT).
int set_up_msix(pci::PciConfigSpace& config, const pci::PciFunction& function, VirtioPciTransport& transport,
                InterruptHandler handler, void* context);

// Routes the interrupt line of a virtio-mmio device to a fresh vector calling handler(context).
// Returns the vector, or -1 when the line is unknown or cannot be routed (polled then).
int set_up_mmio_interrupt(const VirtioMmioLocation& location, InterruptHandler handler, void* context);

}  // namespace ingot::virtio
