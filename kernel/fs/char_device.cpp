#include <fs/char_device.h>
#include <lib/random.h>

#include <algorithm>
#include <utility>

namespace ingot {

CharDevice::CharDevice(RefPtr<FileSystem> fs, CharDeviceKind kind)
    : Inode(InodeType::CharDevice, std::move(fs), 0666), kind_(kind) {}

uint32_t CharDevice::rdev_minor() const {
    switch (kind_) {
    case CharDeviceKind::Null: return 3;
    case CharDeviceKind::Zero: return 5;
    case CharDeviceKind::Full: return 7;
    case CharDeviceKind::Random: return 8;
    case CharDeviceKind::Urandom: return 9;
    }
    return 0;
}

Result<size_t> CharDevice::read_at(uint64_t, IoBuffer& dst) {
    switch (kind_) {
    case CharDeviceKind::Null: return size_t{0};  // always end of file
    case CharDeviceKind::Zero:
    case CharDeviceKind::Full: TRY(dst.zero_fill(0, dst.size())); return dst.size();
    case CharDeviceKind::Random:
    case CharDeviceKind::Urandom: {
        // Once the kernel's generator is seeded both devices behave alike (random(4)).
        uint8_t chunk[256];
        size_t done = 0;
        while (done < dst.size()) {
            size_t n = std::min(sizeof(chunk), dst.size() - done);
            fill_random(chunk, n);
            Result<void> copied = dst.copy_to_buffer(done, chunk, n);
            if (!copied.ok()) {
                if (done > 0) break;
                return copied.error();
            }
            done += n;
        }
        return done;
    }
    }
    return Errno::EINVAL;
}

Result<size_t> CharDevice::write_at(uint64_t, IoBuffer& src) {
    // full(4): every write fails with ENOSPC. The others accept and discard everything
    // (writing to random(4) would only mix the bytes into the pool).
    if (kind_ == CharDeviceKind::Full) return Errno::ENOSPC;
    return src.size();
}

}  // namespace ingot
