#include <net/arp.h>

#include <utility>

namespace ingot::net {

Arp::Arp(ArpLink& link, const ArpLimits& limits) : link_(link), limits_(limits) {}

Arp::Entry* Arp::find(Ipv4Address ip) {
    for (Entry& entry : entries_) {
        if (entry.state != State::Free && entry.ip == ip) return &entry;
    }
    return nullptr;
}

const Arp::Entry* Arp::find(Ipv4Address ip) const {
    for (const Entry& entry : entries_) {
        if (entry.state != State::Free && entry.ip == ip) return &entry;
    }
    return nullptr;
}

Arp::Entry* Arp::allocate() {
    Entry* victim = nullptr;
    for (Entry& entry : entries_) {
        if (entry.state == State::Free) return &entry;
        // Entries with requests in flight are never evicted: their queues would be lost.
        bool settled = entry.state == State::Reachable || entry.state == State::Failed;
        if (settled && (victim == nullptr || entry.deadline_ns < victim->deadline_ns)) victim = &entry;
    }
    if (victim != nullptr) *victim = Entry{};
    return victim;
}

void Arp::send_request(Entry& entry, uint64_t now_ns) {
    // RFC 826: a request names our addresses as sender and leaves the target hardware
    // address unknown (zero). A stale mapping is re-verified by unicast (RFC 1122 §2.3.2.1).
    MacAddress destination = entry.state == State::Probing ? entry.mac : MacAddress::broadcast();
    ArpFields request{ArpOperation::Request, link_.arp_hardware_address(),
                      link_.arp_protocol_address(), MacAddress::zero(), entry.ip};
    link_.transmit_arp(request, destination);
    ++statistics_.requests_sent;
    ++entry.requests_sent;
    entry.deadline_ns = now_ns + limits_.retry_interval_ns;
}

void Arp::learn(Entry& entry, MacAddress mac, uint64_t now_ns) {
    entry.mac = mac;
    entry.state = State::Reachable;
    entry.deadline_ns = now_ns + limits_.reachable_time_ns;
    entry.requests_sent = 0;
    // Move the queue out first: transmitting may re-enter send() for this neighbour.
    std::vector<std::vector<uint8_t>> queued = take_queue(entry);
    for (const std::vector<uint8_t>& datagram : queued) link_.transmit_datagram(mac, datagram);
}

std::vector<std::vector<uint8_t>> Arp::take_queue(Entry& entry) {
    std::vector<std::vector<uint8_t>> queued = std::move(entry.queue);
    entry.queue = {};
    queued_bytes_total_ -= entry.queued_bytes;
    entry.queued_bytes = 0;
    return queued;
}

void Arp::enqueue(Entry& entry, std::span<const uint8_t> datagram) {
    size_t charge = datagram.size() + kQueuedOverhead;
    auto over = [&] {
        return entry.queued_bytes + charge > limits_.max_queued_bytes_per_neighbour ||
               queued_bytes_total_ + charge > limits_.max_queued_bytes_total;
    };
    // Like Linux's unres_qlen_bytes: the oldest waiting datagrams make room.
    size_t dropped = 0;
    while (over() && dropped < entry.queue.size()) {
        size_t bytes = entry.queue[dropped++].size() + kQueuedOverhead;
        entry.queued_bytes -= bytes;
        queued_bytes_total_ -= bytes;
    }
    entry.queue.erase(entry.queue.begin(), entry.queue.begin() + static_cast<ptrdiff_t>(dropped));
    statistics_.queue_overflows += dropped;
    if (over()) {  // other neighbours hold the rest of the room: this datagram is dropped
        ++statistics_.queue_overflows;
        return;
    }
    entry.queue.emplace_back(datagram.begin(), datagram.end());
    entry.queued_bytes += charge;
    queued_bytes_total_ += charge;
}

void Arp::fail(Entry& entry, uint64_t now_ns) {
    ++statistics_.resolutions_failed;
    std::vector<std::vector<uint8_t>> queued = take_queue(entry);
    entry.state = State::Failed;
    entry.deadline_ns = now_ns + limits_.failed_hold_ns;
    for (const std::vector<uint8_t>& datagram : queued) {
        ++statistics_.unreachable_dropped;
        link_.report_unreachable(datagram, now_ns);
    }
}

void Arp::receive(std::span<const uint8_t> bytes, uint64_t now_ns) {
    auto parsed = ArpPacket::parse(bytes);
    if (!parsed.ok()) {
        ++statistics_.malformed;
        return;
    }
    const ArpPacket& packet = parsed.value();
    bool is_request = packet.operation() == ArpOperation::Request;
    ++(is_request ? statistics_.requests_received : statistics_.replies_received);
    MacAddress our_mac = link_.arp_hardware_address();
    Ipv4Address our_ip = link_.arp_protocol_address();
    // Our own broadcasts reflected back, group sender addresses (never valid for a host) and
    // anything before we have an address are not learned from.
    if (packet.sender_mac() == our_mac || packet.sender_mac().is_multicast() ||
        our_ip.is_unspecified()) {
        ++statistics_.ignored;
        return;
    }
    bool for_us = packet.target_ip() == our_ip;
    Ipv4Address sender_ip = packet.sender_ip();
    // RFC 5227 §2.1.1: a probe has sender IP 0; answer it (so the prober sees the address is
    // taken) but learn nothing from it.
    if (!sender_ip.is_unspecified() && !sender_ip.is_broadcast() && !sender_ip.is_multicast()) {
        // RFC 826 "packet reception": update an existing entry for the sender (merge_flag);
        // add one only when the packet is addressed to us.
        Entry* entry = find(sender_ip);
        if (entry == nullptr && for_us) entry = allocate();
        if (entry != nullptr) {
            entry->ip = sender_ip;
            learn(*entry, packet.sender_mac(), now_ns);
        }
    }
    if (for_us && is_request) {
        ArpFields reply{ArpOperation::Reply, our_mac, our_ip, packet.sender_mac(), sender_ip};
        link_.transmit_arp(reply, packet.sender_mac());
        ++statistics_.replies_sent;
    }
}

Result<void> Arp::send(Ipv4Address next_hop, std::span<const uint8_t> datagram, uint64_t now_ns) {
    Entry* entry = find(next_hop);
    if (entry != nullptr) {
        switch (entry->state) {
        case State::Reachable:
            link_.transmit_datagram(entry->mac, datagram);
            if (now_ns >= entry->deadline_ns) {
                // Past its lifetime: keep using the mapping while asking again.
                entry->state = State::Probing;
                entry->requests_sent = 0;
                send_request(*entry, now_ns);
            }
            return {};
        case State::Probing:
            link_.transmit_datagram(entry->mac, datagram);
            return {};
        case State::Failed:
            if (now_ns < entry->deadline_ns) return Errno::EHOSTUNREACH;
            *entry = Entry{};
            entry = nullptr;
            break;
        case State::Incomplete:
            enqueue(*entry, datagram);
            return {};
        case State::Free:
            break;
        }
    }
    entry = allocate();
    if (entry == nullptr) {
        ++statistics_.cache_full;
        return Errno::ENOBUFS;
    }
    entry->state = State::Incomplete;
    entry->ip = next_hop;
    entry->requests_sent = 0;
    enqueue(*entry, datagram);
    send_request(*entry, now_ns);
    return {};
}

void Arp::poll(uint64_t now_ns) {
    for (Entry& entry : entries_) {
        if (entry.state == State::Free || now_ns < entry.deadline_ns) continue;
        switch (entry.state) {
        case State::Incomplete:
            if (entry.requests_sent >= limits_.max_requests) {
                fail(entry, now_ns);
            } else {
                send_request(entry, now_ns);
            }
            break;
        case State::Probing:
            // The neighbour stopped answering: forget it; the next send resolves afresh.
            if (entry.requests_sent >= limits_.max_requests) {
                entry = Entry{};
            } else {
                send_request(entry, now_ns);
            }
            break;
        case State::Reachable:
            // Unused for a whole lifetime after expiring: reclaim the slot.
            if (now_ns - entry.deadline_ns >= limits_.reachable_time_ns) entry = Entry{};
            break;
        case State::Failed:
            entry = Entry{};
            break;
        case State::Free:
            break;
        }
    }
    if (announcements_left_ > 0 && now_ns >= next_announcement_ns_) announce(now_ns);
}

void Arp::announce(uint64_t now_ns) {
    Ipv4Address our_ip = link_.arp_protocol_address();
    if (our_ip.is_unspecified()) return;
    if (announcements_left_ == 0) announcements_left_ = limits_.announcements;
    // RFC 5227 §3: an announcement is a request with our address as sender and target.
    ArpFields announcement{ArpOperation::Request, link_.arp_hardware_address(), our_ip,
                           MacAddress::zero(), our_ip};
    link_.transmit_arp(announcement, MacAddress::broadcast());
    ++statistics_.requests_sent;
    if (announcements_left_ > 0) --announcements_left_;
    next_announcement_ns_ = now_ns + limits_.announce_interval_ns;
}

std::optional<MacAddress> Arp::lookup(Ipv4Address ip) const {
    const Entry* entry = find(ip);
    if (entry == nullptr) return std::nullopt;
    if (entry->state != State::Reachable && entry->state != State::Probing) return std::nullopt;
    return entry->mac;
}

void Arp::flush() {
    for (Entry& entry : entries_) entry = Entry{};
    queued_bytes_total_ = 0;
    announcements_left_ = 0;
}

std::optional<uint64_t> Arp::next_deadline() const {
    std::optional<uint64_t> earliest;
    auto consider = [&](uint64_t t) { if (!earliest || t < *earliest) earliest = t; };
    for (const Entry& entry : entries_) {
        if (entry.state == State::Incomplete || entry.state == State::Probing ||
            entry.state == State::Failed) {
            consider(entry.deadline_ns);
        }
    }
    if (announcements_left_ > 0) consider(next_announcement_ns_);
    return earliest;
}

}  // namespace ingot::net
