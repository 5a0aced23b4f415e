// Virtio over PCI, the modern interface (virtio 1.2 §4.1): the common configuration,
// notification, ISR and device configuration windows that the vendor capabilities point at,
// mapped from the function's memory BARs. QEMU's transitional devices (device ID 0x1000)
// offer this interface beside the legacy one; only this one is driven.
#pragma once

#include <drivers/pci/pci_config_space.h>
#include <drivers/pci/pci_function.h>
#include <drivers/virtio/virtio_pci_capabilities.h>
#include <drivers/virtio/virtio_transport.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace ingot::virtio {

inline constexpr uint16_t kPciVendorVirtio = 0x1AF4;
inline constexpr uint16_t kPciNoVector = 0xFFFF;  // VIRTIO_MSI_NO_VECTOR (§4.1.5.1.2)

class VirtioPciTransport final : public VirtioTransport {
public:
    // The virtio device type of a PCI function (§4.1.2.1): device ID 0x1040 + type for modern
    // devices, the subsystem ID for transitional ones (0x1000-0x103F); nothing when the
    // function is not a virtio device.
    static std::optional<uint32_t> device_type_of(const pci::PciFunction& function);

    VirtioPciTransport(pci::PciConfigSpace& config, const pci::PciFunction& function)
        : config_(config), function_(function) {}

    // Reads the virtio capabilities, checks that each window lies inside a memory BAR, maps
    // them and enables memory decoding and bus mastering. ENODEV when the function is not a
    // modern virtio device or a window is unusable.
    Result<void> init();

    // Queue interrupts go to MSI-X table entry `entry` from the next enable_queue() on
    // (kPciNoVector: back to INTx and the ISR register). The caller programs the entry and
    // enables MSI-X in configuration space.
    void use_msix_entry(uint16_t entry) { msix_entry_ = entry; }

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

private:
    Result<volatile uint8_t*> map_region(const VirtioPciRegion& region);

    pci::PciConfigSpace& config_;
    pci::PciFunction function_;
    uint32_t type_ = 0;
    volatile uint8_t* common_ = nullptr;
    volatile uint8_t* notify_ = nullptr;
    volatile uint8_t* isr_ = nullptr;
    volatile uint8_t* device_ = nullptr;
    uint32_t notify_length_ = 0;
    uint32_t notify_multiplier_ = 0;
    uint32_t device_length_ = 0;
    uint16_t msix_entry_ = kPciNoVector;
    std::vector<uint32_t> notify_offsets_;  // per queue, set by enable_queue
};

}  // namespace ingot::virtio
