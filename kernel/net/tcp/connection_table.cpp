#include <net/tcp/connection_table.h>
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

namespace {
constexpr size_t kInitialBuckets = 64;
}

TcpConnectionTable::TcpConnectionTable(const TcpKeyedHash& keys) : keys_(keys), buckets_(kInitialBuckets) {}

size_t TcpConnectionTable::bucket_of(const TcpFourTuple& tuple, size_t bucket_count) const {
    return static_cast<size_t>(keys_.table_hash(tuple) & (bucket_count - 1));  // count is a power of two
}

TcpConnection* TcpConnectionTable::find(const TcpFourTuple& tuple) const {
    for (TcpConnection* c : buckets_[bucket_of(tuple, buckets_.size())]) {
        if (c->tuple() == tuple) return c;
    }
    return nullptr;
}

void TcpConnectionTable::insert(TcpConnection* connection) {
    if (size_ + 1 > 2 * buckets_.size()) grow();
    buckets_[bucket_of(connection->tuple(), buckets_.size())].push_back(connection);
    ++size_;
}

void TcpConnectionTable::remove(TcpConnection* connection) {
    auto& bucket = buckets_[bucket_of(connection->tuple(), buckets_.size())];
    auto it = std::find(bucket.begin(), bucket.end(), connection);
    if (it == bucket.end()) return;
    *it = bucket.back();
    bucket.pop_back();
    --size_;
}

void TcpConnectionTable::grow() {
    std::vector<std::vector<TcpConnection*>> bigger(buckets_.size() * 2);
    for (auto& bucket : buckets_) {
        for (TcpConnection* c : bucket) bigger[bucket_of(c->tuple(), bigger.size())].push_back(c);
    }
    buckets_.swap(bigger);
}

}  // namespace ingot::net
