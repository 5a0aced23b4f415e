// Where to look for virtio-mmio devices at boot, for every driver: the command line's
// virtio_mmio.device tokens, else (on a machine without PCI) QEMU microvm's fixed slots.
#pragma once

#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_mmio_transport.h>

#include <string_view>
#include <vector>

namespace ingot::virtio {

// The locations to try, in command-line order; microvm's slots (probed for their number)
// only when the command line names none and probe_microvm_slots is set.
std::vector<VirtioMmioLocation> virtio_mmio_candidates(std::string_view command_line, bool probe_microvm_slots);

// Maps the registers at location (at most one page of them) as a transport, not yet
// initialised. The mapping stays for the kernel's lifetime.
VirtioMmioTransport* map_virtio_mmio_transport(const VirtioMmioLocation& location);

}  // namespace ingot::virtio
