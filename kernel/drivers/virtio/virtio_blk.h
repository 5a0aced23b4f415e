// A virtio block device (virtio 1.2 §5.2) as a BlockDevice. One request queue (requestq1;
// with VIRTIO_BLK_F_MQ the device may offer more, and one is all the kernel needs while one CPU
// at a time runs it, under the kernel lock), one
// request in flight at a time: each request is a three-descriptor chain (header, data, status,
// §5.2.6) whose data travels through a DMA bounce buffer, so callers may pass any kernel
// memory. Transfers larger than the bounce buffer or the device's size_max are split.
//
// A request the device does not complete within the timeout marks the device dead (its
// buffers may still be in the device's hands, so they are never reused): that request and
// every later one fail with EIO, and one line says so.
#pragma once

#include <block/block_device.h>
#include <drivers/virtio/completion_wait.h>
#include <drivers/virtio/split_virtqueue.h>
#include <drivers/virtio/virtio_transport.h>
#include <lib/result.h>
#include <mm/device_memory.h>

#include <cstdint>
#include <span>

namespace ingot::virtio {

class VirtioBlk final : public BlockDevice {
public:
    static constexpr uint16_t kRequestQueue = 0;
    // Data bytes one request carries at most (QEMU's size_max is larger, seg_max 126).
    static constexpr uint32_t kBounceBytes = 128 * 1024;
    static constexpr uint16_t kQueueLimit = 64;
    // How long one request may take: far beyond any disk, short enough to end a hang.
    static constexpr uint64_t kDefaultTimeoutNs = 30'000'000'000ull;

    // What the device offers, as negotiated and read from its configuration.
    struct Geometry {
        uint64_t sectors = 0;
        uint32_t block_size = kSectorSize;     // VIRTIO_BLK_F_BLK_SIZE, else 512
        uint32_t max_request_bytes = 0;        // the bounce buffer, capped by size_max
        uint32_t max_discard_sectors = 0;      // 0: no discard
        bool read_only = false;
        bool flush = false;                    // VIRTIO_BLK_F_FLUSH: the device has a write cache
    };

    // The transport and wait must outlive the driver.
    VirtioBlk(VirtioTransport& transport, CompletionWait& wait, uint64_t timeout_ns = kDefaultTimeoutNs)
        : transport_(transport), wait_(wait), timeout_ns_(timeout_ns) {}
    VirtioBlk(const VirtioBlk&) = delete;
    VirtioBlk& operator=(const VirtioBlk&) = delete;
    // Resets the device (unless it died with buffers in its hands), then frees the memory.
    ~VirtioBlk() override;

    // Initialises the device (§3.1.1, §5.2.5): negotiates features, reads the configuration,
    // sets up the request queue and sets DRIVER_OK. ENODEV when this is no usable block device,
    // ENOMEM when out of pages, EINVAL when called twice.
    Result<void> init();

    uint64_t sector_count() const override { return geometry_.sectors; }
    bool read_only() const override { return geometry_.read_only; }
    Result<void> read(uint64_t sector, std::span<uint8_t> buffer) override;
    Result<void> write(uint64_t sector, std::span<const uint8_t> buffer) override;
    // VIRTIO_BLK_T_FLUSH; succeeds at once on a device without a write cache (no FLUSH feature).
    Result<void> flush() override;
    Result<void> discard(uint64_t sector, uint64_t count) override;

    const Geometry& geometry() const { return geometry_; }
    uint64_t features() const { return features_; }
    bool dead() const { return dead_; }

    // The interrupt handler's work: acknowledges the device's interrupt so the line drops; the
    // waiting thread notices the used buffer itself.
    void handle_interrupt() { transport_.acknowledge_interrupt(); }

private:
    Result<void> set_up_device();
    void read_geometry();
    Result<void> check_range(uint64_t sector, size_t bytes) const;
    // Sends one request and waits for it: `out` goes to the device, `in` is filled from it (at
    // most one of them non-empty, each at most kBounceBytes). Waits first while another
    // thread's request holds the buffers.
    Result<void> submit(uint32_t type, uint64_t sector, std::span<const uint8_t> out, std::span<uint8_t> in);
    // submit()'s work once it holds the buffers.
    Result<void> exchange(uint32_t type, uint64_t sector, std::span<const uint8_t> out, std::span<uint8_t> in);
    uint8_t* bounce() const { return static_cast<uint8_t*>(bounce_.virt); }

    VirtioTransport& transport_;
    CompletionWait& wait_;
    uint64_t timeout_ns_;
    SplitVirtqueue queue_;
    DmaPages bounce_;   // the data of the request in flight
    DmaPages control_;  // its header, then its status byte
    Geometry geometry_;
    uint64_t features_ = 0;
    bool initialised_ = false;
    bool ready_ = false;
    bool busy_ = false;  // a request is in flight (another thread may enter while one waits)
    bool dead_ = false;
};

}  // namespace ingot::virtio
