#include <drivers/virtio/virtio_mmio_slots.h>
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

}  // namespace

std::vector<VirtioMmioLocation> virtio_mmio_candidates(std::string_view command_line, bool probe_microvm_slots) {
    std::vector<VirtioMmioLocation> locations = virtio_mmio_devices_from_command_line(command_line);
    if (locations.empty() && probe_microvm_slots) locations = microvm_virtio_mmio_slots(microvm_has_24_transports());
    return locations;
}

VirtioMmioTransport* map_virtio_mmio_transport(const VirtioMmioLocation& location) {
    uint64_t window = std::min(location.size, kMmioMapLimit);
    auto* registers = static_cast<volatile uint8_t*>(map_device_memory(location.base, window));
    return new VirtioMmioTransport(registers, window);
}

}  // namespace ingot::virtio
