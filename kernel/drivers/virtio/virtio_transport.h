// How a virtio driver reaches its device, whatever the bus: virtio over PCI (virtio 1.2 §4.1)
// or memory-mapped virtio (§4.2). Drivers and the status handshake (virtio_device_setup.h)
// only see this interface, and host tests put a fake device behind it.
#pragma once

#include <drivers/virtio/split_virtqueue.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::virtio {

class VirtioTransport {
public:
    virtual ~VirtioTransport() = default;

    // The virtio device type (§5: 1 is a network card).
    virtual uint32_t device_type() const = 0;

    // The 64 feature bits the device offers (§2.2; both 32-bit banks).
    virtual uint64_t device_features() = 0;
    // Writes the feature bits the driver accepts (§3.1.1 step 5).
    virtual void set_driver_features(uint64_t features) = 0;

    // The device status byte (§2.1). Writing 0 resets the device (§2.4).
    virtual uint8_t status() = 0;
    virtual void set_status(uint8_t status) = 0;

    // Largest size the device allows for queue `index`; 0 when there is no such queue.
    virtual uint16_t max_queue_size(uint16_t index) = 0;
    // Tells the device where queue `index` lives and enables it (§4.1.5.1.3, §4.2.3.2).
    // EINVAL when the device refuses the size or the queue does not exist.
    virtual Result<void> enable_queue(uint16_t index, const QueueLayout& layout) = 0;
    // Available buffer notification for queue `index` (§2.3, §4.1.4.4, §4.2.2 QueueNotify).
    virtual void notify_queue(uint16_t index) = 0;

    // Reads `length` bytes of the device-specific configuration at `offset` (§2.5).
    // Callers go through read_device_config() below, which retries torn reads.
    virtual void read_config_bytes(uint32_t offset, uint8_t* out, uint32_t length) = 0;
    // The configuration generation counter (§2.5.1).
    virtual uint32_t config_generation() = 0;

    // Acknowledges an interrupt and returns the interrupt status bits (§4.1.4.5 ISR status,
    // §4.2.2 InterruptStatus/InterruptACK): bit 0 a used buffer, bit 1 a configuration
    // change. Interrupts delivered by MSI-X need no acknowledgement and return 0.
    virtual uint32_t acknowledge_interrupt() = 0;

    // Reads device configuration consistently: repeats until the generation counter is the
    // same before and after (§2.5.1, driver requirements).
    void read_device_config(uint32_t offset, uint8_t* out, uint32_t length) {
        uint32_t before, after;
        do {
            before = config_generation();
            read_config_bytes(offset, out, length);
            after = config_generation();
        } while (before != after);
    }
};

}  // namespace ingot::virtio
