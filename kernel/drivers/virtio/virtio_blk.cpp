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

// The control page: kMaxBatch request headers, then their status bytes.
constexpr uint32_t kStatusOffset = VirtioBlk::kMaxBatch * sizeof(BlkRequestHeader);
static_assert(kStatusOffset + VirtioBlk::kMaxBatch <= kPageSize);
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
    batch_limit_ = std::min<uint16_t>(kMaxBatch, queue_.size() / 3);
    TRY(transport_.enable_queue(kRequestQueue, queue_.layout()));
    bounce_ = TRY(allocate_dma_pages(kBounceBytes / kPageSize));
    control_ = TRY(allocate_dma_pages(1));
    // Batches are waited for by their caller; the interrupt only wakes the halted CPU.
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
    SectorWrite piece{sector, buffer};
    return write_scattered(std::span<const SectorWrite>(&piece, 1));
}

Result<void> VirtioBlk::write_scattered(std::span<const SectorWrite> pieces) {
    if (geometry_.read_only) return Errno::EROFS;
    for (const SectorWrite& piece : pieces) TRY(check_range(piece.sector, piece.bytes.size()));
    TRY(acquire());
    Result<void> result = send_pieces(pieces);
    release();
    return result;
}

Result<void> VirtioBlk::send_pieces(std::span<const SectorWrite> pieces) {
    Request batch[kMaxBatch];
    size_t count = 0;
    uint32_t filled = 0;  // bounce bytes the batch holds
    size_t done = 0;      // bytes of pieces.front() already in a batch
    while (!pieces.empty()) {
        const SectorWrite& piece = pieces.front();
        if (done == piece.bytes.size()) {
            pieces = pieces.subspan(1);
            done = 0;
            continue;
        }
        uint64_t sector = piece.sector + done / kSectorSize;
        Request* last = count > 0 ? &batch[count - 1] : nullptr;
        // A piece that starts where the last request ends on the disk extends that request
        // while it may grow: its data follows the request's in the bounce buffer.
        bool joins = last && last->sector + last->bytes / kSectorSize == sector &&
                     last->bytes < geometry_.max_request_bytes;
        uint32_t room = 0;
        if (joins)
            room = std::min(kBounceBytes - filled, geometry_.max_request_bytes - last->bytes);
        else if (count < batch_limit_)
            room = std::min(kBounceBytes - filled, geometry_.max_request_bytes);
        if (room == 0) {  // the batch is full
            TRY(run_batch(std::span<Request>(batch, count)));
            count = 0;
            filled = 0;
            continue;
        }
        uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(piece.bytes.size() - done, room));
        memcpy(bounce() + filled, piece.bytes.data() + done, chunk);
        if (joins)
            last->bytes += chunk;
        else
            batch[count++] = Request{kBlkTypeOut, sector, filled, chunk, false};
        filled += chunk;
        done += chunk;
    }
    if (count > 0) TRY(run_batch(std::span<Request>(batch, count)));
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

Result<void> VirtioBlk::acquire() {
    if (busy_ && !wait_.wait([this] { return !busy_ || dead_; }, timeout_ns_)) return Errno::EIO;
    if (dead_) return Errno::EIO;
    busy_ = true;
    return {};
}

void VirtioBlk::release() {
    if (!dead_) busy_ = false;  // a dead device's buffers stay taken
}

Result<void> VirtioBlk::submit(uint32_t type, uint64_t sector, std::span<const uint8_t> out,
                               std::span<uint8_t> in) {
    TRY(acquire());
    if (!out.empty()) memcpy(bounce(), out.data(), out.size());
    Request request{type, sector, 0, static_cast<uint32_t>(out.size() + in.size()), !in.empty()};
    Result<void> result = run_batch(std::span<Request>(&request, 1));
    if (result.ok() && !in.empty()) memcpy(in.data(), bounce(), in.size());
    release();
    return result;
}

Result<void> VirtioBlk::run_batch(std::span<Request> batch) {
    auto* headers = static_cast<BlkRequestHeader*>(control_.virt);
    volatile uint8_t* statuses = static_cast<uint8_t*>(control_.virt) + kStatusOffset;
    for (size_t i = 0; i < batch.size(); ++i) {
        const Request& request = batch[i];
        headers[i] = BlkRequestHeader{request.type, 0, request.sector};
        statuses[i] = kStatusUnwritten;
        // §5.2.6: header (device-readable), data (either way), status byte (device-writable).
        DeviceBuffer header{control_.phys + i * sizeof(BlkRequestHeader), sizeof(BlkRequestHeader)};
        DeviceBuffer data{bounce_.phys + request.bounce_offset, request.bytes};
        DeviceBuffer status{control_.phys + kStatusOffset + i, 1};
        DeviceBuffer readable[2] = {header, data};
        DeviceBuffer writable[2] = {data, status};
        bool to_device = request.bytes > 0 && !request.from_device;
        bool from_device = request.bytes > 0 && request.from_device;
        // batch_limit_ keeps the batch within the queue's descriptors: only a broken ring refuses.
        if (!queue_.add_buffer(std::span<const DeviceBuffer>(readable, to_device ? 2 : 1),
                               std::span<const DeviceBuffer>(writable + (from_device ? 0 : 1), from_device ? 2 : 1),
                               &batch[i])
                 .ok())
            return give_up();
    }
    if (queue_.needs_notification()) transport_.notify_queue(kRequestQueue);
    for (size_t outstanding = batch.size(); outstanding > 0;) {
        bool answered = wait_.wait([this] { return queue_.has_used() || queue_.broken(); }, timeout_ns_);
        if (!answered || queue_.broken()) return give_up();
        while (outstanding > 0 && queue_.take_used()) --outstanding;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
        uint8_t result = statuses[i];
        if (result == kBlkStatusUnsupported) return Errno::EOPNOTSUPP;
        if (result == kBlkStatusOk) continue;
        // IOERR, or no status written at all: a failing disk, or one the host took away.
        if (!reported_error_)
            log_error("virtio-blk: the disk failed a request (sector %llu): I/O error; the program gets EIO",
                      static_cast<unsigned long long>(batch[i].sector));
        reported_error_ = true;
        return Errno::EIO;
    }
    return {};
}

Result<void> VirtioBlk::give_up() {
    dead_ = true;
    if (queue_.broken())
        log_error("virtio-blk: the disk broke the request queue's protocol; it is no longer used");
    else
        log_error("virtio-blk: the disk did not complete a request within %lu s; it is no longer used",
                  timeout_ns_ / 1'000'000'000);
    return Errno::EIO;
}

}  // namespace ingot::virtio
