// Memory-mapped virtio, version 2 (virtio 1.2 §4.2): one register block per device, as on
// QEMU's microvm and on Firecracker. The legacy version 1 layout is not driven.
#pragma once

#include <drivers/virtio/virtio_transport.h>

#include <cstdint>

namespace ingot::virtio {

// The register block every virtio-mmio device decodes: 0x100 bytes of registers, then the
// device configuration (§4.2.2).
inline constexpr uint64_t kMmioRegisterBytes = 0x100;

class VirtioMmioTransport final : public VirtioTransport {
public:
    // registers: the device's mapped register block, window_bytes long (at least 0x100).
    VirtioMmioTransport(volatile uint8_t* registers, uint64_t window_bytes)
        : registers_(registers), window_bytes_(window_bytes) {}

    // Checks the magic value and version (§4.2.3.1.1). ENODEV for no device here (DeviceID 0,
    // a placeholder QEMU leaves in empty slots), a wrong magic value, a too-small window or
    // a legacy (version 1) device.
    Result<void> init();

    // The DeviceID register (also after init() refused a legacy device; 0 before init()).
    uint32_t device_type() const override { return type_; }
    uint64_t device_features() override;
    void set_driver_features(uint64_t features) override;
    uint8_t status() override;
    void set_status(uint8_t status) override;
    uint16_t max_queue_size(uint16_t index) override;
    Result<void> enable_queue(uint16_t index, const QueueLayout& layout) override;
    void notify_queue(uint16_t index) override;
    void read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) override;
    uint32_t config_generation() override;
    uint32_t acknowledge_interrupt() override;

    // The Version register (1 legacy, 2 modern), for diagnostics.
    uint32_t version();
    // Whether a virtio-mmio transport answers here (with the magic value), device or not.
    bool present();

private:
    volatile uint8_t* registers_;
    uint64_t window_bytes_;
    uint32_t type_ = 0;
};

}  // namespace ingot::virtio
