// virtio-net driver (virtio 1.2 §5.1): device initialisation (§5.1.5), transmit (§5.1.6.2)
// and receive (§5.1.6.3, §5.1.6.4) on one queue pair.
#include <drivers/virtio/virtio_device_setup.h>
#include <drivers/virtio/virtio_net.h>
#include <lib/random.h>
#include <mm/physical_memory.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace ingot::virtio {
namespace {

constexpr size_t kHeaderBytes = sizeof(VirtioNetHeader);
constexpr size_t kEthernetHeaderBytes = 14;

void* token_for(uint16_t slot) { return reinterpret_cast<void*>(static_cast<uintptr_t>(slot)); }
uint16_t slot_of(void* token) { return static_cast<uint16_t>(reinterpret_cast<uintptr_t>(token)); }

size_t pages_for_slots(uint16_t slots) {
    return (size_t{slots} * VirtioNet::kBufferBytes + kPageSize - 1) / kPageSize;
}

}  // namespace

VirtioNet::~VirtioNet() {
    // §2.4: after a reset the device no longer reads or writes the queues or the buffers.
    if (initialised_) reset_device(transport_);
    free_dma_pages(receive_buffers_);
    free_dma_pages(transmit_buffers_);
}

Result<void> VirtioNet::init(uint16_t queue_limit) {
    if (initialised_ || queue_limit == 0) return Errno::EINVAL;
    initialised_ = true;
    auto result = set_up_device(queue_limit);
    if (!result.ok()) set_failed(transport_);  // §3.1.1: tell the device the driver gave up
    return result;
}

Result<void> VirtioNet::set_up_device(uint16_t queue_limit) {
    if (transport_.device_type() != kDeviceIdNetwork) return Errno::ENODEV;
    // No checksum or segmentation offloads, no mergeable buffers: every frame is whole and
    // checksummed in one 2 KiB buffer. Event indexes cut notifications in both directions.
    uint64_t wanted = net_feature::kMac | net_feature::kStatus | feature::kEventIndex;
    features_ = TRY(negotiate_features(transport_, wanted, feature::kVersion1));
    bool event_index = (features_ & feature::kEventIndex) != 0;

    // §5.1.5 steps: set up the virtqueues, read the MAC, fill the receive queue.
    TRY(set_up_queue(receive_queue_, kReceiveQueue, queue_limit, event_index));
    TRY(set_up_queue(transmit_queue_, kTransmitQueue, queue_limit, event_index));
    receive_buffers_ = TRY(allocate_dma_pages(pages_for_slots(receive_queue_.size())));
    transmit_buffers_ = TRY(allocate_dma_pages(pages_for_slots(transmit_queue_.size())));
    free_transmit_slots_.clear();
    for (uint16_t slot = transmit_queue_.size(); slot > 0; --slot) free_transmit_slots_.push_back(slot - 1);
    read_mac_address();

    // §5.1.6.3.1: without GUEST_TSO or MRG_RXBUF each buffer must hold 1526 bytes (1514 + the
    // header); 2 KiB also leaves room for a VLAN tag.
    for (uint16_t slot = 0; slot < receive_queue_.size(); ++slot) {
        DeviceBuffer buffer{receive_buffers_.phys + uint64_t{slot} * kBufferBytes, kBufferBytes};
        TRY(receive_queue_.add_buffer({}, {&buffer, 1}, token_for(slot)));
    }
    // Transmit completions are collected when slots run out: no interrupt needed for them.
    transmit_queue_.disable_interrupts();
    set_driver_ok(transport_);
    ready_ = true;
    // §3.1.1: no notification before DRIVER_OK; now tell the device its buffers are there.
    if (receive_queue_.needs_notification()) transport_.notify_queue(kReceiveQueue);
    return {};
}

Result<void> VirtioNet::set_up_queue(SplitVirtqueue& queue, uint16_t index, uint16_t limit, bool event_index) {
    uint16_t offered = transport_.max_queue_size(index);
    if (offered == 0) return Errno::ENODEV;
    // Split queues have a power-of-two size (§2.7); a device may offer any maximum.
    uint16_t size = std::bit_floor(std::min(offered, limit));
    TRY(queue.init(size, event_index));
    TRY(transport_.enable_queue(index, queue.layout()));
    return {};
}

void VirtioNet::read_mac_address() {
    if (features_ & net_feature::kMac) {
        transport_.read_device_config(kNetConfigMac, mac_.bytes.data(), 6);
        return;
    }
    // §5.1.5: a driver without VIRTIO_NET_F_MAC generates a random address; make it unicast
    // and locally administered (IEEE 802 bits 0 and 1 of the first octet).
    fill_random(mac_.bytes.data(), mac_.bytes.size());
    mac_.bytes[0] = static_cast<uint8_t>((mac_.bytes[0] & 0xFE) | 0x02);
}

bool VirtioNet::link_up() {
    if (!(features_ & net_feature::kStatus)) return true;
    uint8_t status[2];
    transport_.read_device_config(kNetConfigStatus, status, 2);
    return (status[0] & kNetStatusLinkUp) != 0;
}

uint8_t* VirtioNet::receive_slot(uint16_t slot) const {
    return static_cast<uint8_t*>(receive_buffers_.virt) + size_t{slot} * kBufferBytes;
}

uint8_t* VirtioNet::transmit_slot(uint16_t slot) const {
    return static_cast<uint8_t*>(transmit_buffers_.virt) + size_t{slot} * kBufferBytes;
}

Result<void> VirtioNet::send_frame(std::span<const uint8_t> frame) {
    if (!ready_ || transmit_queue_.broken()) return Errno::EIO;
    if (frame.size() < kEthernetHeaderBytes || frame.size() > kMaxFrameBytes) return Errno::EMSGSIZE;
    if (free_transmit_slots_.empty()) reclaim_transmitted();
    if (free_transmit_slots_.empty()) {
        ++statistics_.transmit_full;
        return Errno::ENOBUFS;
    }
    uint16_t slot = free_transmit_slots_.back();
    uint8_t* bytes = transmit_slot(slot);
    // §5.1.6.2: no offload requested, so flags, gso_type and the rest are 0 (num_buffers too).
    memset(bytes, 0, kHeaderBytes);
    memcpy(bytes + kHeaderBytes, frame.data(), frame.size());
    DeviceBuffer buffer{transmit_buffers_.phys + uint64_t{slot} * kBufferBytes,
                        static_cast<uint32_t>(kHeaderBytes + frame.size())};
    auto added = transmit_queue_.add_buffer({&buffer, 1}, {}, token_for(slot));
    if (!added.ok()) return Errno::EIO;  // a free slot always has a free descriptor
    free_transmit_slots_.pop_back();
    ++statistics_.frames_sent;
    if (transmit_queue_.needs_notification()) transport_.notify_queue(kTransmitQueue);
    return {};
}

size_t VirtioNet::reclaim_transmitted() {
    size_t reclaimed = 0;
    if (!ready_) return 0;
    while (auto used = transmit_queue_.take_used()) {
        free_transmit_slots_.push_back(slot_of(used->token));
        ++reclaimed;
    }
    return reclaimed;
}

std::optional<VirtioNet::ReceivedBuffer> VirtioNet::take_received() {
    if (!ready_) return std::nullopt;
    std::optional<UsedBuffer> used = receive_queue_.take_used();
    if (!used) return std::nullopt;
    uint16_t slot = slot_of(used->token);
    // §5.1.6.4: the device wrote the header and then the frame; the ring clamps the length
    // to the 2 KiB offered. Too short for a header and an Ethernet header: drop it.
    if (used->written_length < kHeaderBytes + kEthernetHeaderBytes) {
        ++statistics_.receive_errors;
        return ReceivedBuffer{{}, slot};
    }
    ++statistics_.frames_received;
    return ReceivedBuffer{{receive_slot(slot) + kHeaderBytes, used->written_length - kHeaderBytes}, slot};
}

void VirtioNet::recycle_receive_buffer(uint16_t slot) {
    DeviceBuffer buffer{receive_buffers_.phys + uint64_t{slot} * kBufferBytes, kBufferBytes};
    // The descriptor this buffer just released is free, so this only fails on a broken ring.
    if (receive_queue_.add_buffer({}, {&buffer, 1}, token_for(slot)).ok()) receive_refilled_ = true;
}

void VirtioNet::finish_receive() {
    if (!receive_refilled_) return;
    receive_refilled_ = false;
    if (receive_queue_.needs_notification()) transport_.notify_queue(kReceiveQueue);
}

void VirtioNet::handle_interrupt() {
    ++statistics_.interrupts;
    transport_.acknowledge_interrupt();
}

}  // namespace ingot::virtio
