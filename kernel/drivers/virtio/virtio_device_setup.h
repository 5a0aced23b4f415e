// The driver side of device initialisation (virtio 1.2 §3.1.1) and teardown, common to every
// virtio device type.
#pragma once

#include <drivers/virtio/virtio_transport.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::virtio {

// Resets the device and runs §3.1.1 steps 1-6: ACKNOWLEDGE, DRIVER, reads the offered
// features, accepts offered & wanted, sets FEATURES_OK and checks the device kept it.
// `required` bits must all be offered (VIRTIO_F_VERSION_1 always is required: only the
// modern interface is driven). Returns the accepted features. ENODEV when a required feature
// is missing or the device refuses the set; the device is then left with FAILED set.
Result<uint64_t> negotiate_features(VirtioTransport& transport, uint64_t wanted, uint64_t required);

// §3.1.1 step 8: the driver is ready; the device may now use the queues.
void set_driver_ok(VirtioTransport& transport);

// Tells the device the driver gave up (§2.1 FAILED), e.g. when queue setup fails.
void set_failed(VirtioTransport& transport);

// Resets the device (§2.4): it stops using every queue, so their memory may be freed.
void reset_device(VirtioTransport& transport);

}  // namespace ingot::virtio
