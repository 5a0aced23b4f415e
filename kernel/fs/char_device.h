// The character devices of /dev (null(4), zero(4), full(4), random(4)), with the device
// numbers Linux gives them (Documentation/admin-guide/devices.txt, major 1).
#pragma once

#include <fs/inode.h>

#include <cstdint>

namespace ingot {

enum class CharDeviceKind : uint8_t { Null, Zero, Full, Random, Urandom };

class CharDevice final : public Inode {
public:
    CharDevice(RefPtr<FileSystem> fs, CharDeviceKind kind);

    CharDeviceKind kind() const { return kind_; }
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    // O_TRUNC on a device is ignored (open(2)).
    Result<void> truncate(uint64_t) override { return {}; }
    uint32_t rdev_major() const override { return 1; }
    uint32_t rdev_minor() const override;

private:
    CharDeviceKind kind_;
};

}  // namespace ingot
