#include <drivers/virtio/virtio_device_setup.h>
#include <drivers/virtio/virtio_spec.h>

namespace ingot::virtio {
namespace {

// Bounded wait for the device to finish a reset. QEMU and Firecracker reset synchronously;
// §4.1.4.3.2 allows a device to take time, and a broken one must not hang the boot.
constexpr int kResetPolls = 1'000'000;

}  // namespace

void reset_device(VirtioTransport& transport) {
    transport.set_status(0);
    // §4.1.4.3.2 and §4.2.3.1: after writing 0 the driver waits until the status reads 0.
    for (int i = 0; i < kResetPolls && transport.status() != 0; ++i) {
    }
}

Result<uint64_t> negotiate_features(VirtioTransport& transport, uint64_t wanted, uint64_t required) {
    required |= feature::kVersion1;
    reset_device(transport);                                             // step 1
    if (transport.status() != 0) return Errno::ENODEV;
    transport.set_status(status::kAcknowledge);                          // step 2
    transport.set_status(status::kAcknowledge | status::kDriver);        // step 3
    uint64_t offered = transport.device_features();                      // step 4
    if ((offered & required) != required) {
        set_failed(transport);
        return Errno::ENODEV;
    }
    uint64_t accepted = offered & (wanted | required);
    transport.set_driver_features(accepted);
    uint8_t features_ok = status::kAcknowledge | status::kDriver | status::kFeaturesOk;
    transport.set_status(features_ok);                                   // step 5
    if ((transport.status() & status::kFeaturesOk) == 0) {               // step 6
        set_failed(transport);
        return Errno::ENODEV;
    }
    return accepted;
}

void set_driver_ok(VirtioTransport& transport) {
    transport.set_status(static_cast<uint8_t>(transport.status() | status::kDriverOk));
}

void set_failed(VirtioTransport& transport) {
    transport.set_status(static_cast<uint8_t>(transport.status() | status::kFailed));
}

}  // namespace ingot::virtio
