#include <net/ipv4_reassembler.h>
#include <net/wire/bytes.h>
#include <net/wire/checksum.h>

#include <cstring>

namespace ingot::net {

Ipv4Reassembler::Ipv4Reassembler(const ReassemblyLimits& limits)
    : limits_(limits), slots_(limits.max_datagrams ? limits.max_datagrams : 1) {}

size_t Ipv4Reassembler::in_progress() const {
    size_t count = 0;
    for (const Slot& slot : slots_) count += slot.used ? 1 : 0;
    return count;
}

std::optional<uint64_t> Ipv4Reassembler::next_deadline() const {
    std::optional<uint64_t> earliest;
    for (const Slot& slot : slots_) {
        if (slot.used && (!earliest || slot.deadline_ns < *earliest)) earliest = slot.deadline_ns;
    }
    return earliest;
}

void Ipv4Reassembler::release(Slot& slot) {
    slot.used = false;
    slot.payload = {};  // give the memory back, not just the size
    slot.received_units = {};
}

Ipv4Reassembler::Slot& Ipv4Reassembler::slot_for(const Ipv4Packet& fragment, uint64_t now_ns) {
    // RFC 791 §3.2: fragments of one datagram share source, destination, protocol and
    // identification.
    Slot* free_slot = nullptr;
    Slot* oldest = &slots_[0];
    for (Slot& slot : slots_) {
        if (slot.used && slot.source == fragment.source() &&
            slot.destination == fragment.destination() && slot.protocol == fragment.protocol() &&
            slot.identification == fragment.identification()) {
            return slot;
        }
        if (!slot.used && free_slot == nullptr) free_slot = &slot;
        if (slot.used && slot.deadline_ns < oldest->deadline_ns) oldest = &slot;
    }
    if (free_slot == nullptr) {
        // Full: the oldest datagram is the least likely to complete.
        ++statistics_.dropped_evicted;
        release(*oldest);
        free_slot = oldest;
    }
    Slot& slot = *free_slot;
    slot.used = true;
    slot.source = fragment.source();
    slot.destination = fragment.destination();
    slot.protocol = fragment.protocol();
    slot.identification = fragment.identification();
    slot.deadline_ns = now_ns + limits_.timeout_ns;
    slot.first_header_length = 0;
    slot.received_bytes = 0;
    slot.total_payload.reset();
    slot.received_units.assign((max_payload + unit - 1) / unit / 8 + 1, 0);
    return slot;
}

bool Ipv4Reassembler::mark_units(Slot& slot, size_t begin_unit, size_t end_unit) {
    for (size_t u = begin_unit; u < end_unit; ++u) {
        if (slot.received_units[u / 8] & (1u << (u % 8))) return false;
    }
    for (size_t u = begin_unit; u < end_unit; ++u) {
        slot.received_units[u / 8] = static_cast<uint8_t>(slot.received_units[u / 8] | (1u << (u % 8)));
    }
    return true;
}

std::optional<Ipv4Packet> Ipv4Reassembler::add(const Ipv4Packet& fragment, uint64_t now_ns) {
    ++statistics_.fragments_received;
    size_t offset = fragment.fragment_offset();
    std::span<const uint8_t> data = fragment.payload();
    size_t end = offset + data.size();
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes; nothing may lie
    // past the 65535-byte datagram limit (the "ping of death").
    if ((fragment.more_fragments() && (data.empty() || data.size() % unit != 0)) ||
        end > max_payload) {
        ++statistics_.dropped_malformed;
        return std::nullopt;
    }
    Slot& slot = slot_for(fragment, now_ns);
    bool inconsistent = (slot.total_payload && end > *slot.total_payload) ||
                        (!fragment.more_fragments() && slot.total_payload) ||
                        (!fragment.more_fragments() && end < slot.payload.size());
    if (inconsistent) {
        ++statistics_.dropped_malformed;
        release(slot);
        return std::nullopt;
    }
    if (!mark_units(slot, offset / unit, (end + unit - 1) / unit)) {
        ++statistics_.dropped_overlap;
        release(slot);
        return std::nullopt;
    }
    if (slot.payload.size() < end) slot.payload.resize(end);
    if (!data.empty()) std::memcpy(slot.payload.data() + offset, data.data(), data.size());
    slot.received_bytes += data.size();
    if (!fragment.more_fragments()) slot.total_payload = end;
    if (offset == 0) {
        // RFC 791 §3.2: the reassembled header is that of the first fragment.
        slot.first_header_length = fragment.header_length();
        std::memcpy(slot.first_header.data(), fragment.header().data(), slot.first_header_length);
    }
    if (slot.total_payload && slot.received_bytes == *slot.total_payload &&
        slot.first_header_length != 0) {
        return complete(slot);
    }
    return std::nullopt;
}

std::optional<Ipv4Packet> Ipv4Reassembler::complete(Slot& slot) {
    size_t header_length = slot.first_header_length;
    size_t total = header_length + *slot.total_payload;
    completed_.resize(total);
    std::span<uint8_t> out(completed_);
    std::memcpy(out.data(), slot.first_header.data(), header_length);
    std::memcpy(out.data() + header_length, slot.payload.data(), *slot.total_payload);
    write_be16(out, 2, static_cast<uint16_t>(total));
    write_be16(out, 6, 0);  // flags and offset: a whole datagram (DF was clear anyway)
    write_be16(out, 10, 0);
    write_be16(out, 10, internet_checksum(out.first(header_length)));
    release(slot);
    auto packet = Ipv4Packet::parse(completed_);
    if (!packet.ok()) {
        ++statistics_.dropped_malformed;
        return std::nullopt;
    }
    ++statistics_.datagrams_reassembled;
    return packet.value();
}

void Ipv4Reassembler::poll(uint64_t now_ns) {
    for (Slot& slot : slots_) {
        if (slot.used && now_ns >= slot.deadline_ns) {
            ++statistics_.dropped_timeout;
            release(slot);
        }
    }
}

}  // namespace ingot::net
