#include <net/tcp/tcp_keyed_hash.h>

#include <array>
#include <cstring>

namespace ingot::net {

namespace {
enum Purpose : uint8_t { kIsn = 1, kTimestamp = 2, kPort = 3, kTable = 4 };
}

uint64_t TcpKeyedHash::hash(uint8_t purpose, const TcpFourTuple& tuple) const {
    std::array<uint8_t, 13> input{};
    input[0] = purpose;
    std::memcpy(&input[1], &tuple.local.address.value_be, 4);
    std::memcpy(&input[5], &tuple.remote.address.value_be, 4);
    input[9] = static_cast<uint8_t>(tuple.local.port >> 8);
    input[10] = static_cast<uint8_t>(tuple.local.port);
    input[11] = static_cast<uint8_t>(tuple.remote.port >> 8);
    input[12] = static_cast<uint8_t>(tuple.remote.port);
    return siphash24(key_, input);
}

uint32_t TcpKeyedHash::initial_sequence_number(const TcpFourTuple& tuple, uint64_t now_ns) const {
    uint32_t m = static_cast<uint32_t>(now_ns / 4000);
    return m + static_cast<uint32_t>(hash(kIsn, tuple));
}

uint32_t TcpKeyedHash::timestamp_offset(const TcpFourTuple& tuple) const {
    return static_cast<uint32_t>(hash(kTimestamp, tuple));
}

uint32_t TcpKeyedHash::port_offset(Ipv4Address local, Ipv4Endpoint remote) const {
    return static_cast<uint32_t>(hash(kPort, TcpFourTuple{{local, 0}, remote}));
}

uint64_t TcpKeyedHash::table_hash(const TcpFourTuple& tuple) const { return hash(kTable, tuple); }

}  // namespace ingot::net
