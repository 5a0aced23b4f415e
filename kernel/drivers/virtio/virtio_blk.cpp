// virtio-blk driver (virtio 1.2 §5.2): initialisation (§5.2.5) and requests (§5.2.6).
#include <drivers/virtio/virtio_blk.h>
#include <drivers/virtio/virtio_blk_spec.h>
#include <drivers/virtio/virtio_device_setup.h>
#include <lib/log.h>
#include <mm/physical_memory.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace ingot::virtio {
namespace {

constexpr uint32_t kStatusOffset = sizeof(BlkRequestHeader);
constexpr uint8_t kStatusUnwritten = 0xFF;  // no status the device may write (§5.2.6)

uint32_t round_down_to_sector(uint32_t bytes) { return bytes - bytes % BlockDevice::kSectorSize; }

}  // namespace

VirtioBlk::~VirtioBlk() {
    if (dead_) return;  // the device may still write into the buffers: leave them to it
    // §2.4: after a reset the device no longer touches the queue or the buffers.
    if (initialised_) reset_device(transport_);
    free_dma_pages(bounce_);
    free_dma_pages(control_);
}

Result<void> VirtioBlk::init() {
    if (initialised_) return Errno::EINVAL;
    initialised_ = true;
    auto result = set_up_device();
    if (!result.ok()) set_failed(transport_);  // §3.1.1: tell the device the driver gave up
    return result;
}

Result<void> VirtioBlk::set_up_device() {
    if (transport_.device_type() != kDeviceIdBlock) return Errno::ENODEV;
    // MQ is accepted so that a multi-queue device still works; only requestq1 is used.
    uint64_t wanted = blk_feature::kSizeMax | blk_feature::kSegMax | blk_feature::kReadOnly |
                      blk_feature::kBlockSize | blk_feature::kFlush | blk_feature::kMultiQueue |
                      blk_feature::kDiscard;
    features_ = TRY(negotiate_features(transport_, wanted, feature::kVersion1));
    read_geometry();
    if (geometry_.max_request_bytes == 0) return Errno::ENODEV;  // size_max below one sector

    uint16_t offered = transport_.max_queue_size(kRequestQueue);
    if (offered < 4) return Errno::ENODEV;  // a request needs three descriptors
    TRY(queue_.init(std::bit_floor(std::min(offered, kQueueLimit)), false));
    TRY(transport_.enable_queue(kRequestQueue, queue_.layout()));
    bounce_ = TRY(allocate_dma_pages(kBounceBytes / kPageSize));
    control_ = TRY(allocate_dma_pages(1));
    // Requests are waited for one at a time; the interrupt only wakes the halted CPU.
    set_driver_ok(transport_);
    ready_ = true;
    return {};
}

void VirtioBlk::read_geometry() {
    transport_.read_device_config(kBlkConfigCapacity, reinterpret_cast<uint8_t*>(&geometry_.sectors), 8);
    uint32_t limit = kBounceBytes;
    if (features_ & blk_feature::kSizeMax) {
        uint32_t size_max = 0;
        transport_.read_device_config(kBlkConfigSizeMax, reinterpret_cast<uint8_t*>(&size_max), 4);
        limit = std::min(limit, round_down_to_sector(size_max));
    }
    // One data segment per request, so seg_max (at least 1 when offered) never binds.
    geometry_.max_request_bytes = limit;
    if (features_ & blk_feature::kBlockSize) {
        uint32_t block_size = 0;
        transport_.read_device_config(kBlkConfigBlockSize, reinterpret_cast<uint8_t*>(&block_size), 4);
        if (block_size >= kSectorSize && std::has_single_bit(block_size)) geometry_.block_size = block_size;
    }
    if (features_ & blk_feature::kDiscard) {
        uint32_t max_sectors = 0;
        transport_.read_device_config(kBlkConfigMaxDiscardSectors, reinterpret_cast<uint8_t*>(&max_sectors), 4);
        geometry_.max_discard_sectors = max_sectors;
    }
    geometry_.read_only = (features_ & blk_feature::kReadOnly) != 0;
    geometry_.flush = (features_ & blk_feature::kFlush) != 0;
}

Result<void> VirtioBlk::check_range(uint64_t sector, size_t bytes) const {
    if (!ready_ || dead_) return Errno::EIO;
    if (bytes % kSectorSize != 0) return Errno::EINVAL;
    uint64_t sectors = bytes / kSectorSize;
    if (sector > geometry_.sectors || sectors > geometry_.sectors - sector) return Errno::EIO;
    return {};
}

Result<void> VirtioBlk::read(uint64_t sector, std::span<uint8_t> buffer) {
    TRY(check_range(sector, buffer.size()));
    while (!buffer.empty()) {
        uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(buffer.size(), geometry_.max_request_bytes));
        TRY(submit(kBlkTypeIn, sector, {}, buffer.first(chunk)));
        buffer = buffer.subspan(chunk);
        sector += chunk / kSectorSize;
    }
    return {};
}

Result<void> VirtioBlk::write(uint64_t sector, std::span<const uint8_t> buffer) {
    if (geometry_.read_only) return Errno::EROFS;
    TRY(check_range(sector, buffer.size()));
    while (!buffer.empty()) {
        uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(buffer.size(), geometry_.max_request_bytes));
        TRY(submit(kBlkTypeOut, sector, buffer.first(chunk), {}));
        buffer = buffer.subspan(chunk);
        sector += chunk / kSectorSize;
    }
    return {};
}

Result<void> VirtioBlk::flush() {
    if (!ready_ || dead_) return Errno::EIO;
    if (!geometry_.flush) return {};  // §5.2.6.4: no FLUSH feature, no volatile write cache
    return submit(kBlkTypeFlush, 0, {}, {});
}

Result<void> VirtioBlk::discard(uint64_t sector, uint64_t count) {
    if (geometry_.max_discard_sectors == 0) return Errno::EOPNOTSUPP;
    if (geometry_.read_only) return Errno::EROFS;
    if (count > UINT64_MAX / kSectorSize) return Errno::EIO;
    TRY(check_range(sector, count * kSectorSize));
    while (count > 0) {
        uint32_t chunk = static_cast<uint32_t>(std::min<uint64_t>(count, geometry_.max_discard_sectors));
        BlkDiscardRange range{sector, chunk, 0};
        TRY(submit(kBlkTypeDiscard, 0, {reinterpret_cast<const uint8_t*>(&range), sizeof(range)}, {}));
        count -= chunk;
        sector += chunk;
    }
    return {};
}

Result<void> VirtioBlk::submit(uint32_t type, uint64_t sector, std::span<const uint8_t> out,
                               std::span<uint8_t> in) {
    // Another thread's request holds the buffers while it waits: queue behind it.
    if (busy_ && !wait_.wait([this] { return !busy_ || dead_; }, timeout_ns_)) return Errno::EIO;
    if (dead_) return Errno::EIO;
    busy_ = true;
    Result<void> result = exchange(type, sector, out, in);
    if (!dead_) busy_ = false;
    return result;
}

Result<void> VirtioBlk::exchange(uint32_t type, uint64_t sector, std::span<const uint8_t> out,
                                 std::span<uint8_t> in) {
    if (!out.empty()) memcpy(bounce(), out.data(), out.size());
    auto* header = static_cast<BlkRequestHeader*>(control_.virt);
    *header = BlkRequestHeader{type, 0, sector};
    volatile uint8_t* status = static_cast<uint8_t*>(control_.virt) + kStatusOffset;
    *status = kStatusUnwritten;

    // §5.2.6: header (device-readable), data (either way), status byte (device-writable).
    DeviceBuffer head{control_.phys, sizeof(BlkRequestHeader)};
    DeviceBuffer tail{control_.phys + kStatusOffset, 1};
    DeviceBuffer readable[2] = {head, {bounce_.phys, static_cast<uint32_t>(out.size())}};
    DeviceBuffer writable[2] = {{bounce_.phys, static_cast<uint32_t>(in.size())}, tail};
    std::span<const DeviceBuffer> to_device(readable, out.empty() ? 1 : 2);
    std::span<const DeviceBuffer> from_device = in.empty() ? std::span<const DeviceBuffer>(&tail, 1)
                                                           : std::span<const DeviceBuffer>(writable, 2);
    // Only a broken ring refuses: no other chain is ever in flight.
    if (!queue_.add_buffer(to_device, from_device, header).ok()) return Errno::EIO;
    if (queue_.needs_notification()) transport_.notify_queue(kRequestQueue);
    bool done = wait_.wait([this] { return queue_.has_used() || queue_.broken(); }, timeout_ns_);
    std::optional<UsedBuffer> used = done ? queue_.take_used() : std::nullopt;
    if (!used) {
        dead_ = true;
        log_error("virtio-blk: the disk did not complete a request within %lu s; it is no longer used",
                  timeout_ns_ / 1'000'000'000);
        return Errno::EIO;
    }
    uint8_t result = *status;
    if (result == kBlkStatusUnsupported) return Errno::EOPNOTSUPP;
    if (result != kBlkStatusOk) return Errno::EIO;  // IOERR, or no status written at all
    if (!in.empty()) memcpy(in.data(), bounce(), in.size());
    return {};
}

}  // namespace ingot::virtio
