#include <drivers/virtio/virtio_mmio_transport.h>
#include <drivers/virtio/virtio_register_access.h>

namespace ingot::virtio {
namespace {

// Register offsets (§4.2.2); every one is 32 bits wide and accessed as such.
enum Register : uint32_t {
    kMagicValue = 0x000,
    kVersion = 0x004,
    kDeviceId = 0x008,
    kDeviceFeatures = 0x010,
    kDeviceFeaturesSel = 0x014,
    kDriverFeatures = 0x020,
    kDriverFeaturesSel = 0x024,
    kQueueSel = 0x030,
    kQueueNumMax = 0x034,
    kQueueNum = 0x038,
    kQueueReady = 0x044,
    kQueueNotify = 0x050,
    kInterruptStatus = 0x060,
    kInterruptAck = 0x064,
    kStatus = 0x070,
    kQueueDescLow = 0x080,
    kQueueDriverLow = 0x090,
    kQueueDeviceLow = 0x0A0,
    kConfigGeneration = 0x0FC,
    kConfig = 0x100,
};

constexpr uint32_t kMagic = 0x74726976;  // "virt", little-endian

}  // namespace

uint32_t VirtioMmioTransport::version() { return read32(registers_, kVersion); }

bool VirtioMmioTransport::present() {
    return window_bytes_ >= kMmioRegisterBytes && read32(registers_, kMagicValue) == kMagic;
}

Result<void> VirtioMmioTransport::init() {
    if (!present()) return Errno::ENODEV;
    type_ = read32(registers_, kDeviceId);
    // §4.2.3.1.1: version 2 is the modern interface; 1 is legacy.
    if (version() != 2 || type_ == 0) return Errno::ENODEV;
    return {};
}

uint64_t VirtioMmioTransport::device_features() {
    write32(registers_, kDeviceFeaturesSel, 0);
    uint64_t low = read32(registers_, kDeviceFeatures);
    write32(registers_, kDeviceFeaturesSel, 1);
    return low | (uint64_t{read32(registers_, kDeviceFeatures)} << 32);
}

void VirtioMmioTransport::set_driver_features(uint64_t features) {
    write32(registers_, kDriverFeaturesSel, 0);
    write32(registers_, kDriverFeatures, static_cast<uint32_t>(features));
    write32(registers_, kDriverFeaturesSel, 1);
    write32(registers_, kDriverFeatures, static_cast<uint32_t>(features >> 32));
}

uint8_t VirtioMmioTransport::status() { return static_cast<uint8_t>(read32(registers_, kStatus)); }

void VirtioMmioTransport::set_status(uint8_t status) { write32(registers_, kStatus, status); }

uint16_t VirtioMmioTransport::max_queue_size(uint16_t index) {
    write32(registers_, kQueueSel, index);
    uint32_t max = read32(registers_, kQueueNumMax);
    return static_cast<uint16_t>(max > 0xFFFF ? 0x8000 : max);
}

Result<void> VirtioMmioTransport::enable_queue(uint16_t index, const QueueLayout& layout) {
    // §4.2.3.2: select the queue, check it is not in use, check and set the size, the three
    // addresses, then QueueReady.
    write32(registers_, kQueueSel, index);
    if (read32(registers_, kQueueReady) != 0) return Errno::EINVAL;
    uint32_t max = read32(registers_, kQueueNumMax);
    if (max == 0 || layout.size == 0 || layout.size > max) return Errno::EINVAL;
    write32(registers_, kQueueNum, layout.size);
    write64(registers_, kQueueDescLow, layout.descriptor_table);
    write64(registers_, kQueueDriverLow, layout.available_ring);
    write64(registers_, kQueueDeviceLow, layout.used_ring);
    write32(registers_, kQueueReady, 1);
    return {};
}

void VirtioMmioTransport::notify_queue(uint16_t index) { write32(registers_, kQueueNotify, index); }

void VirtioMmioTransport::read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) {
    read_config_window(registers_ + kConfig, static_cast<uint32_t>(window_bytes_ - kMmioRegisterBytes), offset, out,
                       length);
}

uint32_t VirtioMmioTransport::config_generation() { return read32(registers_, kConfigGeneration); }

uint32_t VirtioMmioTransport::acknowledge_interrupt() {
    // §4.2.2: the bits read from InterruptStatus are written back to InterruptACK, which
    // de-asserts the (level-triggered) line once nothing else is pending.
    uint32_t pending = read32(registers_, kInterruptStatus);
    if (pending) write32(registers_, kInterruptAck, pending);
    return pending;
}

}  // namespace ingot::virtio
