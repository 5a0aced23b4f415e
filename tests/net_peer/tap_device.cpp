// Kernel headers come first: lib/errno.h sets the libc E* macros aside while it declares its
// enumerators; afterwards this file spells values Errno{ENOBUFS}, the same Linux numbers.
#include "tap_device.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace ingot::net_peer {

std::unique_ptr<TapDevice> TapDevice::open(const std::string& name, net::MacAddress mac, std::string& error) {
    if (name.empty() || name.size() >= IFNAMSIZ) {
        error = "bad interface name '" + name + "'";
        return nullptr;
    }
    int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("open /dev/net/tun: ") + std::strerror(errno);
        return nullptr;
    }
    // TUNSETIFF attaches to the interface of that name, creating it when absent. IFF_NO_PI:
    // frames come and go without the 4-byte packet information header.
    struct ifreq request {};
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::memcpy(request.ifr_name, name.c_str(), name.size());
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        error = "TUNSETIFF " + name + ": " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<TapDevice>(new TapDevice(fd, mac));
}

TapDevice::~TapDevice() {
    ::close(fd_);
    if (capture_) std::fclose(capture_);
}

bool TapDevice::record(const std::string& path) {
    capture_ = std::fopen(path.c_str(), "wb");
    if (!capture_) return false;
    // pcap global header: magic, version 2.4, zone 0, accuracy 0, snap length, LINKTYPE_ETHERNET.
    const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    std::fwrite(header, sizeof(header), 1, capture_);
    return true;
}

void TapDevice::record_frame(std::span<const uint8_t> frame) {
    if (!capture_) return;
    const uint32_t header[4] = {static_cast<uint32_t>(now_ns_ / 1'000'000'000),
                                static_cast<uint32_t>(now_ns_ % 1'000'000'000 / 1000),
                                static_cast<uint32_t>(frame.size()), static_cast<uint32_t>(frame.size())};
    std::fwrite(header, sizeof(header), 1, capture_);
    std::fwrite(frame.data(), frame.size(), 1, capture_);
}

void TapDevice::set_impairment(const ImpairmentProfile& outbound, const ImpairmentProfile& inbound, uint64_t seed) {
    outbound_.reset();
    inbound_.reset();
    // Distinct streams per direction, both fixed by the seed.
    if (outbound.active()) outbound_.emplace(outbound, seed * 2 + 1);
    if (inbound.active()) inbound_.emplace(inbound, seed * 2 + 2);
}

Result<void> TapDevice::send_frame(std::span<const uint8_t> frame) {
    if (frame.size() < 14 || frame.size() > read_buffer_.size()) return Errno{EINVAL};
    record_frame(frame);
    if (outbound_) {
        outbound_->submit(frame, now_ns_, [this](std::span<const uint8_t> f) { write_frame(f); });
    } else {
        write_frame(frame);
    }
    return {};
}

void TapDevice::write_frame(std::span<const uint8_t> frame) {
    // One write is one frame. A full backlog (EAGAIN, ENOBUFS) loses the frame, as a busy
    // wire would; TCP retransmits it.
    ssize_t written = ::write(fd_, frame.data(), frame.size());
    if (written == static_cast<ssize_t>(frame.size())) {
        ++counters_.frames_written;
    } else {
        ++counters_.write_failures;
    }
}

void TapDevice::collect(FunctionRef<void(std::span<const uint8_t>)> deliver) {
    auto take = [&](std::span<const uint8_t> f) {
        record_frame(f);
        deliver(f);
    };
    if (inbound_) inbound_->release(now_ns_, take);
    // Bounded per call, so that a flood of frames cannot starve timers and the program.
    for (int i = 0; i < 512; ++i) {
        ssize_t n = ::read(fd_, read_buffer_.data(), read_buffer_.size());
        if (n <= 0) break;  // EAGAIN: nothing more now
        ++counters_.frames_read;
        std::span<const uint8_t> frame(read_buffer_.data(), static_cast<size_t>(n));
        if (inbound_) {
            inbound_->submit(frame, now_ns_, take);
        } else {
            take(frame);
        }
    }
}

void TapDevice::release_held(uint64_t now_ns) {
    if (outbound_) outbound_->release(now_ns, [this](std::span<const uint8_t> f) { write_frame(f); });
}

uint64_t TapDevice::next_release() const {
    uint64_t next = UINT64_MAX;
    if (outbound_) next = std::min(next, outbound_->next_release());
    if (inbound_) next = std::min(next, inbound_->next_release());
    return next;
}

bool TapDevice::inbound_due(uint64_t now_ns) const { return inbound_ && inbound_->next_release() <= now_ns; }

const ImpairmentCounters* TapDevice::outbound_counters() const { return outbound_ ? &outbound_->counters() : nullptr; }
const ImpairmentCounters* TapDevice::inbound_counters() const { return inbound_ ? &inbound_->counters() : nullptr; }

}  // namespace ingot::net_peer
