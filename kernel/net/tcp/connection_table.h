// The connection table: TCP connections by 4-tuple (RFC 9293 §3.2: a connection is named by
// its pair of sockets). A chained hash table whose hash is keyed with the stack's secret, so
// that a peer cannot choose 4-tuples that all fall into one bucket.
#pragma once

#include <net/tcp/tcp_keyed_hash.h>
#include <net/tcp/tcp_types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ingot::net {

class TcpConnection;

class TcpConnectionTable {
public:
    explicit TcpConnectionTable(const TcpKeyedHash& keys);

    // The connection with exactly this 4-tuple, or nullptr.
    TcpConnection* find(const TcpFourTuple& tuple) const;
    // Adds a connection; the caller made sure its 4-tuple is not present.
    void insert(TcpConnection* connection);
    // Removes a connection if present.
    void remove(TcpConnection* connection);
    size_t size() const { return size_; }

private:
    size_t bucket_of(const TcpFourTuple& tuple, size_t bucket_count) const;
    void grow();

    const TcpKeyedHash& keys_;
    std::vector<std::vector<TcpConnection*>> buckets_;
    size_t size_ = 0;
};

}  // namespace ingot::net
