// Segment arrival and demultiplexing, listeners' queues, timers, and filing connections as
// their state changes.
#include <net/tcp/tcp_stack.h>

#include <algorithm>
#include <new>

namespace ingot::net {

TcpStack::TcpStack(Ipv4Output& output, const TcpConfig& config, const SipHashKey& secret)
    : env_(output, config, secret), table_(env_.keys()) {}

TcpStack::~TcpStack() {
    for (Slot& slot : slots_) {
        delete slot.connection;
        delete slot.listener;
    }
}

void TcpStack::receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) {
    receive_segment(packet.source(), packet.destination(), packet.payload(), now_ns);
}

void TcpStack::receive_segment(Ipv4Address source, Ipv4Address destination, std::span<const uint8_t> bytes,
                               uint64_t now) {
    ++env_.counters().segments_received;
    Result<TcpSegment> parsed = TcpSegment::parse(bytes);
    if (!parsed.ok() || !parsed.value().checksum_valid(source, destination)) {
        ++env_.counters().bad_segments;
        return;
    }
    const TcpSegment& segment = parsed.value();
    // TCP is unicast: segments from or to broadcast/multicast addresses, or naming port 0,
    // are dropped and never answered (RFC 1122 §4.2.3.10, RFC 9293 §3.9.2.1).
    if (source.is_broadcast() || source.is_multicast() || source.is_unspecified() ||
        destination.is_broadcast() || destination.is_multicast() || segment.source_port() == 0 ||
        segment.destination_port() == 0) {
        ++env_.counters().bad_segments;
        return;
    }
    const TcpFourTuple tuple{{destination, segment.destination_port()}, {source, segment.source_port()}};

    std::optional<SeqNumber> reuse_above;
    if (TcpConnection* connection = table_.find(tuple)) {
        const bool new_syn = segment.syn() && !segment.ack() && !segment.rst();
        if (!(connection->state() == TcpState::TimeWait && new_syn && connection->time_wait_accepts(segment) &&
              find_listener(destination, segment.destination_port()))) {
            const uint32_t slot = connection->owner_tag();
            if (!deliver_to_half_open(slot, segment)) return;
            connection->on_segment(segment, now);
            settle(slot);
            notify(slot);
            return;
        }
        // RFC 9293 §3.6.1 / RFC 6191: a new SYN may end TIME-WAIT early and open a new
        // incarnation, whose ISS then lies above everything the old one sent.
        reuse_above = connection->highest_sent();
        connection->abort();
        settle(connection->owner_tag());
    }
    if (std::optional<uint32_t> listener = find_listener(destination, segment.destination_port())) {
        listener_segment(*listener, tuple, segment, now, reuse_above);
        return;
    }
    // §3.10.7.1 CLOSED: "An incoming segment not containing a RST causes a RST to be sent".
    env_.reply_reset(tuple, segment);
}

void TcpStack::listener_segment(uint32_t listener_slot, const TcpFourTuple& tuple, const TcpSegment& segment,
                                uint64_t now, std::optional<SeqNumber> minimum_iss) {
    Listener& listener = *slots_[listener_slot].listener;
    // §3.10.7.2 LISTEN. "first, check for a RST": ignore it.
    if (segment.rst()) return;
    // "second, check for an ACK": any acknowledgment is bad here: <SEQ=SEG.ACK><CTL=RST>.
    if (segment.ack()) {
        env_.reply_reset(tuple, segment);
        return;
    }
    // "third, check for a SYN"; anything else is dropped ("fourth, other data or control"),
    // and so is a SYN with FIN, which no real open carries (Linux drops it as well).
    if (!segment.syn() || segment.fin()) return;
    // Full queues drop the SYN (Linux without syncookies): the peer retries later.
    if (listener.half_open >= listener.backlog || listener.accept_queue.size() >= listener.backlog ||
        connections_ >= env_.config().max_connections) {
        ++env_.counters().listen_drops;
        return;
    }
    auto* connection = new (std::nothrow_t{}) TcpConnection(env_, tuple, listener.options);
    if (!connection) {
        ++env_.counters().listen_drops;
        return;
    }
    uint32_t slot = allocate_slot();
    connection->set_owner_tag(slot);
    slots_[slot].connection = connection;
    slots_[slot].owner = Owner::Listener;
    slots_[slot].parent = listener_slot;
    slots_[slot].queued = false;
    ++listener.half_open;
    ++connections_;
    table_.insert(connection);
    connection->open_passive(segment, now, minimum_iss);
    settle(slot);
}

bool TcpStack::deliver_to_half_open(uint32_t slot, const TcpSegment& segment) {
    // The ACK that would complete a handshake finds the accept queue full: drop it, so the
    // handshake completes later when there is room (our SYN,ACK retransmission prompts the
    // peer to repeat it), or reset if so configured (Linux tcp_abort_on_overflow).
    Slot& s = slots_[slot];
    if (s.owner != Owner::Listener || s.queued || s.connection->state() != TcpState::SynReceived) return true;
    if (!segment.ack() || segment.rst() || segment.syn()) return true;
    Listener& listener = *slots_[s.parent].listener;
    if (listener.accept_queue.size() < listener.backlog) return true;
    ++env_.counters().listen_drops;
    if (env_.config().reset_on_accept_overflow) {
        s.connection->abort();
        settle(slot);
    }
    return false;
}

void TcpStack::settle(uint32_t slot) {
    deadline_stale_ = true;  // the connection's timers may have moved
    Slot& s = slots_[slot];
    TcpConnection* connection = s.connection;
    if (!connection) return;
    if (connection->state() == TcpState::Closed) {
        table_.remove(connection);
        if (s.owner == Owner::Listener) {
            Listener& listener = *slots_[s.parent].listener;
            if (s.queued) {
                auto& queue = listener.accept_queue;
                queue.erase(std::find(queue.begin(), queue.end(), slot));
            } else {
                --listener.half_open;
            }
        }
        // The owner still holds a handle: it learns the outcome, then closes.
        if (s.owner != Owner::User) free_slot(slot);
        return;
    }
    if (s.owner == Owner::Listener && !s.queued && connection->state() != TcpState::SynReceived) {
        // Handshake complete: from the SYN queue to the accept queue.
        Listener& listener = *slots_[s.parent].listener;
        --listener.half_open;
        listener.accept_queue.push_back(slot);
        s.queued = true;
        notify(s.parent);
    }
}

void TcpStack::notify(uint32_t slot) {
    if (sink_ && slots_[slot].owner == Owner::User) sink_->socket_event(TcpHandle{slot, slots_[slot].generation});
}

std::optional<uint32_t> TcpStack::find_listener(Ipv4Address address, uint16_t port) const {
    // A listener on the exact address wins over one on any().
    std::optional<uint32_t> wildcard;
    for (uint32_t i : listener_slots_) {
        const Listener* l = slots_[i].listener;
        if (l->local.port != port) continue;
        if (l->local.address == address) return i;
        if (l->local.address.is_unspecified()) wildcard = i;
    }
    return wildcard;
}

void TcpStack::poll(uint64_t now) {
    if (next_timer_deadline() > now) return;
    for (uint32_t slot = 0; slot < slots_.size(); ++slot) {
        TcpConnection* connection = slots_[slot].connection;
        if (!connection || connection->next_deadline() > now) continue;
        connection->on_timers(now);
        settle(slot);
        notify(slot);
    }
}

uint64_t TcpStack::next_timer_deadline() const {
    if (!deadline_stale_) return earliest_deadline_;
    uint64_t earliest = kTcpNever;
    for (const Slot& slot : slots_) {
        if (slot.connection) earliest = std::min(earliest, slot.connection->next_deadline());
    }
    earliest_deadline_ = earliest;
    deadline_stale_ = false;
    return earliest;
}

size_t TcpStack::connection_count() const { return connections_; }

size_t TcpStack::unsettled_connection_count() const {
    size_t count = 0;
    for (const Slot& slot : slots_) {
        if (!slot.connection) continue;
        TcpState state = slot.connection->state();
        if (state != TcpState::FinWait2 && state != TcpState::TimeWait && state != TcpState::Closed) ++count;
    }
    return count;
}

}  // namespace ingot::net
