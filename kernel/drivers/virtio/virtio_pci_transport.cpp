#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/virtio_pci_transport.h>
#include <drivers/virtio/virtio_register_access.h>
#include <mm/device_memory.h>

namespace ingot::virtio {
namespace {

// struct virtio_pci_common_cfg (§4.1.4.3).
enum CommonConfig : uint32_t {
    kDeviceFeatureSelect = 0x00,
    kDeviceFeature = 0x04,
    kDriverFeatureSelect = 0x08,
    kDriverFeature = 0x0C,
    kConfigMsixVector = 0x10,
    kNumQueues = 0x12,
    kDeviceStatus = 0x14,
    kConfigGeneration = 0x15,
    kQueueSelect = 0x16,
    kQueueSize = 0x18,
    kQueueMsixVector = 0x1A,
    kQueueEnable = 0x1C,
    kQueueNotifyOff = 0x1E,
    kQueueDesc = 0x20,
    kQueueDriver = 0x28,
    kQueueDevice = 0x30,
};

}  // namespace

std::optional<uint32_t> VirtioPciTransport::device_type_of(const pci::PciFunction& function) {
    if (function.vendor_id != kPciVendorVirtio) return std::nullopt;
    if (function.device_id >= 0x1040 && function.device_id <= 0x107F) return function.device_id - 0x1040u;
    if (function.device_id >= 0x1000 && function.device_id <= 0x103F) return function.subsystem_id;
    return std::nullopt;
}

Result<volatile uint8_t*> VirtioPciTransport::map_region(const VirtioPciRegion& region) {
    pci::PciBar bar = TRY(pci::read_pci_bar(config_, function_, region.bar));
    // Only memory BARs (QEMU's modern windows are in a 64-bit memory BAR), and the window
    // must not reach past the BAR: its registers belong to no one else.
    if (bar.is_io || region.offset > bar.size || region.length > bar.size - region.offset) return Errno::ENODEV;
    return static_cast<volatile uint8_t*>(map_device_memory(bar.address + region.offset, region.length));
}

Result<void> VirtioPciTransport::init() {
    std::optional<uint32_t> type = device_type_of(function_);
    if (!type || function_.header_type != pci::kHeaderTypeDevice) return Errno::ENODEV;
    type_ = *type;
    VirtioPciLayout layout = TRY(read_virtio_pci_layout(config_, function_.address));
    common_ = TRY(map_region(layout.common));
    notify_ = TRY(map_region(layout.notify));
    isr_ = TRY(map_region(layout.isr));
    if (layout.device) {
        device_ = TRY(map_region(*layout.device));
        device_length_ = layout.device->length;
    }
    notify_length_ = layout.notify.length;
    notify_multiplier_ = layout.notify_offset_multiplier;
    pci::enable_pci_memory_and_dma(config_, function_.address);
    return {};
}

uint64_t VirtioPciTransport::device_features() {
    write32(common_, kDeviceFeatureSelect, 0);
    uint64_t low = read32(common_, kDeviceFeature);
    write32(common_, kDeviceFeatureSelect, 1);
    return low | (uint64_t{read32(common_, kDeviceFeature)} << 32);
}

void VirtioPciTransport::set_driver_features(uint64_t features) {
    write32(common_, kDriverFeatureSelect, 0);
    write32(common_, kDriverFeature, static_cast<uint32_t>(features));
    write32(common_, kDriverFeatureSelect, 1);
    write32(common_, kDriverFeature, static_cast<uint32_t>(features >> 32));
}

uint8_t VirtioPciTransport::status() { return read8(common_, kDeviceStatus); }

void VirtioPciTransport::set_status(uint8_t status) { write8(common_, kDeviceStatus, status); }

uint16_t VirtioPciTransport::max_queue_size(uint16_t index) {
    if (index >= read16(common_, kNumQueues)) return 0;
    write16(common_, kQueueSelect, index);
    return read16(common_, kQueueSize);
}

Result<void> VirtioPciTransport::enable_queue(uint16_t index, const QueueLayout& layout) {
    // §4.1.5.1.3: select, check and set the size, the MSI-X vector, the three addresses,
    // then enable.
    uint16_t offered = max_queue_size(index);
    if (offered == 0 || layout.size == 0 || layout.size > offered) return Errno::EINVAL;
    write16(common_, kQueueSize, layout.size);
    write16(common_, kConfigMsixVector, kPciNoVector);
    write16(common_, kQueueMsixVector, msix_entry_);
    // §4.1.5.1.2.1: a device out of vectors answers NO_VECTOR; reading back tells.
    if (read16(common_, kQueueMsixVector) != msix_entry_) return Errno::EIO;
    write64(common_, kQueueDesc, layout.descriptor_table);
    write64(common_, kQueueDriver, layout.available_ring);
    write64(common_, kQueueDevice, layout.used_ring);
    // §4.1.4.4: the queue's doorbell is at queue_notify_off * notify_off_multiplier, and two
    // bytes must fit in the notification window.
    uint64_t doorbell = uint64_t{read16(common_, kQueueNotifyOff)} * notify_multiplier_;
    if (doorbell + 2 > notify_length_) return Errno::EIO;
    if (notify_offsets_.size() <= index) notify_offsets_.resize(index + 1u, 0);
    notify_offsets_[index] = static_cast<uint32_t>(doorbell);
    write16(common_, kQueueEnable, 1);
    return {};
}

void VirtioPciTransport::notify_queue(uint16_t index) {
    // §4.1.5.2: without VIRTIO_F_NOTIFICATION_DATA the driver writes the queue index.
    if (index < notify_offsets_.size()) write16(notify_, notify_offsets_[index], index);
}

void VirtioPciTransport::read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) {
    read_config_window(device_, device_length_, offset, out, length);
}

uint32_t VirtioPciTransport::config_generation() { return read8(common_, kConfigGeneration); }

uint32_t VirtioPciTransport::acknowledge_interrupt() {
    // §4.1.4.5: reading the ISR status clears it and de-asserts INTx. MSI-X interrupts are
    // edge messages with nothing to acknowledge.
    if (msix_entry_ != kPciNoVector) return 0;
    return read8(isr_, 0);
}

}  // namespace ingot::virtio
