// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): the keyed
// hash behind TCP's initial sequence numbers (RFC 6528 §3 asks for a keyed PRF), timestamp
// offsets, ephemeral port choice (RFC 6056 §3.3.3) and the connection table, so that a peer
// can neither predict them nor aim collisions at one hash bucket.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

using SipHashKey = std::array<uint8_t, 16>;

// The 64-bit SipHash-2-4 of data under key.
uint64_t siphash24(const SipHashKey& key, std::span<const uint8_t> data);

}  // namespace ingot::net
