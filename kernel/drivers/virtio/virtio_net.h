// A virtio network device (virtio 1.2 §5.1) driven by polling, with interrupts only to wake a
// halted CPU. One receive and one transmit queue, 2 KiB buffers, no offloads: the device
// hands over and takes complete, checksummed Ethernet frames (no VIRTIO_NET_F_CSUM,
// GUEST_CSUM, TSO or MRG_RXBUF is negotiated yet).
//
// Receive buffers are posted once and recycled in place after each frame is delivered, so
// the receive queue stays full without allocating. Transmitted frames are copied into a
// per-descriptor 2 KiB slot, reclaimed when the device reports them used.
#pragma once

#include <drivers/virtio/split_virtqueue.h>
#include <drivers/virtio/virtio_net_header.h>
#include <drivers/virtio/virtio_transport.h>
#include <lib/result.h>
#include <mm/device_memory.h>
#include <net/network_device.h>
#include <net/net_types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::virtio {

class VirtioNet final : public net::NetworkDevice {
public:
    static constexpr uint16_t kReceiveQueue = 0;   // receiveq1 (§5.1.2)
    static constexpr uint16_t kTransmitQueue = 1;  // transmitq1
    static constexpr uint32_t kBufferBytes = 2048;
    // The largest frame sent or received: 1500 bytes of payload, the 14-byte Ethernet header
    // and an 802.1Q tag (the frame check sequence never crosses the virtio queue).
    static constexpr size_t kMaxFrameBytes = 1518;
    // Queues are capped at this many entries (QEMU offers 256).
    static constexpr uint16_t kDefaultQueueLimit = 256;

    struct Statistics {
        uint64_t frames_received = 0;
        uint64_t frames_sent = 0;
        uint64_t receive_errors = 0;  // buffers the device returned too short to hold a header
        uint64_t transmit_full = 0;   // send_frame calls refused with ENOBUFS
        uint64_t interrupts = 0;
    };

    // The transport must outlive the driver.
    explicit VirtioNet(VirtioTransport& transport) : transport_(transport) {}
    VirtioNet(const VirtioNet&) = delete;
    VirtioNet& operator=(const VirtioNet&) = delete;
    // Resets the device (so it stops touching the queues), then frees them.
    ~VirtioNet() override;

    // Runs the initialisation of §3.1.1 and §5.1.5: negotiates features, sets up both queues
    // (each at most queue_limit entries), fills the receive queue and sets DRIVER_OK.
    // ENODEV when this is not a usable network device (wrong type, no VIRTIO_F_VERSION_1, no
    // queues, features refused), ENOMEM when out of pages, EINVAL when called twice.
    Result<void> init(uint16_t queue_limit = kDefaultQueueLimit);

    // The device's MAC address (VIRTIO_NET_F_MAC), or a random locally administered one when
    // the device has none (§5.1.5).
    const net::MacAddress& mac_address() const { return mac_; }
    net::MacAddress device_mac() const override { return mac_; }
    void collect(FunctionRef<void(std::span<const uint8_t>)> deliver) override {
        poll_receive([&](std::span<const uint8_t> frame) { deliver(frame); });
        reclaim_transmitted();
    }
    // Whether the link is up: the device's status field with VIRTIO_NET_F_STATUS, else
    // always (§5.1.4.2).
    bool link_up();
    // The features accepted during init().
    uint64_t features() const { return features_; }

    // Transmits one Ethernet frame (14 to kMaxFrameBytes bytes, copied before returning).
    // EMSGSIZE for a frame out of that range, ENOBUFS when every transmit slot is still
    // with the device, EIO when the device broke the ring protocol or init() did not succeed.
    Result<void> send_frame(std::span<const uint8_t> frame) override;

    // Takes back transmit slots the device has finished with; returns how many.
    size_t reclaim_transmitted();

    // Hands each received frame (Ethernet header first, no virtio header) to
    // deliver(std::span<const uint8_t>), at most max_frames of them, and gives each buffer back
    // to the device right after its call: the bytes are only valid during the call.
    // Returns the number of frames delivered.
    template <typename Deliver>
    size_t poll_receive(Deliver&& deliver, size_t max_frames = SIZE_MAX) {
        size_t delivered = 0;
        while (delivered < max_frames) {
            std::optional<ReceivedBuffer> buffer = take_received();
            if (!buffer) break;
            if (!buffer->frame.empty()) {
                deliver(std::span<const uint8_t>(buffer->frame));
                ++delivered;
            }
            recycle_receive_buffer(buffer->slot);
        }
        finish_receive();
        return delivered;
    }

    // True when received frames are waiting (so a caller about to halt polls first).
    bool receive_pending() const { return ready_ && receive_queue_.has_used(); }

    // The interrupt handler's work: acknowledges the device's interrupt so the line drops.
    // Frames are still collected by poll_receive.
    void handle_interrupt();

    const Statistics& statistics() const { return statistics_; }

private:
    struct ReceivedBuffer {
        std::span<const uint8_t> frame;
        uint16_t slot;
    };

    std::optional<ReceivedBuffer> take_received();
    void recycle_receive_buffer(uint16_t slot);
    void finish_receive();
    Result<void> set_up_queue(SplitVirtqueue& queue, uint16_t index, uint16_t limit, bool event_index);
    Result<void> set_up_device(uint16_t queue_limit);
    void read_mac_address();
    uint8_t* receive_slot(uint16_t slot) const;
    uint8_t* transmit_slot(uint16_t slot) const;

    VirtioTransport& transport_;
    SplitVirtqueue receive_queue_;
    SplitVirtqueue transmit_queue_;
    DmaPages receive_buffers_;
    DmaPages transmit_buffers_;
    std::vector<uint16_t> free_transmit_slots_;
    net::MacAddress mac_;
    uint64_t features_ = 0;
    bool ready_ = false;
    bool initialised_ = false;
    bool receive_refilled_ = false;  // buffers went back since the last notification
    Statistics statistics_;
};

}  // namespace ingot::virtio
