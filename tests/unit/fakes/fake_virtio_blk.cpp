#include "fakes/fake_virtio_blk.h"

#include <drivers/virtio/virtio_blk_spec.h>
#include <mm/physical_memory.h>

#include <cstring>

namespace ingot::fake_virtio {

using namespace virtio;

FakeBlockDisk::FakeBlockDisk(FakeTransport& transport, uint64_t sectors, uint64_t features)
    : contents(sectors * 512), transport_(transport) {
    transport.offered_features = features | feature::kVersion1;
    transport.config.assign(kBlkConfigBytes, 0);
    memcpy(transport.config.data() + kBlkConfigCapacity, &sectors, 8);
}

void FakeBlockDisk::serve() {
    if (!answer) return;
    RingDevice& ring = transport_.rings[0];
    size_t served = 0;
    for (; auto chain = ring.pop_available(); ++served) {
        uint8_t status = handle(*chain);
        const Descriptor& last = chain->parts.back();
        *static_cast<uint8_t*>(phys_to_virt(last.address)) = status;
        uint32_t written = chain->writable_bytes();
        ring.push_used(chain->head, written);
    }
    if (served > 0) batches.push_back(served);
}

// Checks the chain's shape (§5.2.6: header readable, optional data, status byte writable) and
// carries the request out; returns the status to write.
uint8_t FakeBlockDisk::handle(const Chain& chain) {
    const auto& parts = chain.parts;
    bool shaped = parts.size() >= 2 && parts.size() <= 3 && parts[0].length == sizeof(BlkRequestHeader) &&
                  !(parts[0].flags & kDescriptorWrite) && (parts.back().flags & kDescriptorWrite) &&
                  parts.back().length == 1;
    if (!shaped) {
        ++chains_with_wrong_shape;
        return kBlkStatusIoError;
    }
    BlkRequestHeader header;
    memcpy(&header, phys_to_virt(parts[0].address), sizeof(header));
    if (forced_status != 0xFF) return forced_status;
    const Descriptor* data = parts.size() == 3 ? &parts[1] : nullptr;
    auto* bytes = data ? static_cast<uint8_t*>(phys_to_virt(data->address)) : nullptr;
    uint64_t offset = header.sector * 512;
    switch (header.type) {
    case kBlkTypeIn:
    case kBlkTypeOut:
        if (!data || data->length % 512 || offset + data->length > contents.size()) return kBlkStatusIoError;
        if ((header.type == kBlkTypeIn) != ((data->flags & kDescriptorWrite) != 0)) return kBlkStatusIoError;
        request_bytes.push_back(data->length);
        request_sectors.push_back(header.sector);
        if (header.sector == failing_sector) return kBlkStatusIoError;
        if (header.type == kBlkTypeIn) memcpy(bytes, contents.data() + offset, data->length);
        else memcpy(contents.data() + offset, bytes, data->length);
        return kBlkStatusOk;
    case kBlkTypeFlush:
        ++flushes;
        return kBlkStatusOk;
    case kBlkTypeDiscard: {
        if (!data || data->length != sizeof(BlkDiscardRange)) return kBlkStatusIoError;
        BlkDiscardRange range;
        memcpy(&range, bytes, sizeof(range));
        discards.emplace_back(range.sector, range.sector_count);
        return kBlkStatusOk;
    }
    default:
        return kBlkStatusUnsupported;
    }
}

}  // namespace ingot::fake_virtio
