// A virtio block device (virtio 1.2 §5.2) as a BlockDevice. One request queue (requestq1;
// with VIRTIO_BLK_F_MQ the device may offer more, and one is all the kernel needs while one CPU
// at a time runs it, under the kernel lock). Each request is a three-descriptor chain (header,
// data, status, §5.2.6) whose data travels through a DMA bounce buffer, so callers may pass any
// kernel memory. A call sends its requests in batches: as many as the bounce buffer and the
// queue hold go to the device together with one notification, and the call waits for all of
// them, so the device works on a batch of scattered writes at once (QEMU hands them to its I/O
// threads in parallel) instead of answering one round trip per block. Transfers larger than the
// bounce buffer or the device's size_max are split. One call at a time holds the device.
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
    // Requests in flight at once at most; each takes three descriptors of the queue.
    static constexpr uint16_t kMaxBatch = 32;
    static constexpr uint16_t kQueueLimit = 128;
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
    // Packs the pieces into batches of requests, joining pieces that follow each other on the
    // disk into one request.
    Result<void> write_scattered(std::span<const SectorWrite> pieces) override;
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
    // One request of a batch: its type and first sector, and where its data lies in the bounce
    // buffer (bytes 0 for a flush).
    struct Request {
        uint32_t type;
        uint64_t sector;
        uint32_t bounce_offset;
        uint32_t bytes;
        bool from_device;  // the device fills the data (a read)
    };

    Result<void> set_up_device();
    void read_geometry();
    Result<void> check_range(uint64_t sector, size_t bytes) const;
    // Takes the device for one call: waits while another thread's call holds it.
    Result<void> acquire();
    void release();
    // Sends one request and waits for it: `out` goes to the device, `in` is filled from it (at
    // most one of them non-empty, each at most kBounceBytes).
    Result<void> submit(uint32_t type, uint64_t sector, std::span<const uint8_t> out, std::span<uint8_t> in);
    // write_scattered()'s work once it holds the device.
    Result<void> send_pieces(std::span<const SectorWrite> pieces);
    // Puts the batch on the queue, notifies once and waits until the device has used every
    // request; the first failed request's status decides the result (EOPNOTSUPP or EIO).
    Result<void> run_batch(std::span<Request> batch);
    // The device stopped answering or broke the ring: it is dead from now on (EIO, one line).
    Result<void> give_up();
    uint8_t* bounce() const { return static_cast<uint8_t*>(bounce_.virt); }

    VirtioTransport& transport_;
    CompletionWait& wait_;
    uint64_t timeout_ns_;
    SplitVirtqueue queue_;
    DmaPages bounce_;   // the data of the batch in flight
    DmaPages control_;  // the headers of the batch, then their status bytes
    uint16_t batch_limit_ = 1;  // requests in flight at most: kMaxBatch, or what the queue holds
    Geometry geometry_;
    uint64_t features_ = 0;
    bool initialised_ = false;
    bool ready_ = false;
    bool busy_ = false;  // a call holds the device (another thread may enter while it waits)
    bool dead_ = false;
    bool reported_error_ = false;  // the first failed request was named on the console
};

}  // namespace ingot::virtio
