// A virtio block device model for host tests (virtio 1.2 §5.2.6): serves the requests on a
// FakeTransport's request queue from a disk held in memory, and records what it was asked.
#pragma once

#include "fakes/fake_virtio.h"

#include <drivers/virtio/completion_wait.h>

#include <cstdint>
#include <vector>

namespace ingot::fake_virtio {

class FakeBlockDisk {
public:
    // Sets up `transport` as a block device of `sectors` sectors offering `features`.
    FakeBlockDisk(FakeTransport& transport, uint64_t sectors, uint64_t features);

    // Completes every request the driver has made available (unless `answer` is false).
    void serve();

    std::vector<uint8_t> contents;
    bool answer = true;                  // false: requests are never completed
    uint8_t forced_status = 0xFF;        // not 0xFF: every request completes with this status
    int flushes = 0;
    int chains_with_wrong_shape = 0;     // not header, data, status in that order
    std::vector<uint32_t> request_bytes; // data bytes of each read or write, in order
    std::vector<uint64_t> request_sectors; // the first sector of each read or write, in order
    std::vector<size_t> batches;         // requests found waiting at each serve() that found any
    uint64_t failing_sector = UINT64_MAX; // a read or write starting here fails with IOERR
    std::vector<std::pair<uint64_t, uint32_t>> discards;

private:
    uint8_t handle(const Chain& chain);

    FakeTransport& transport_;
};

// A CompletionWait that lets the fake disk serve before checking; it never blocks.
class ServingWait : public virtio::CompletionWait {
public:
    explicit ServingWait(FakeBlockDisk& disk) : disk_(disk) {}
    bool wait(FunctionRef<bool()> done, uint64_t) override {
        ++waits;
        disk_.serve();
        return done();
    }
    int waits = 0;

private:
    FakeBlockDisk& disk_;
};

}  // namespace ingot::fake_virtio
