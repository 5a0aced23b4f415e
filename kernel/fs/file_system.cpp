#include <fs/file_mode.h>
#include <fs/file_system.h>

namespace ingot {
namespace {
// Each file system gets the next anonymous device minor, so st_dev tells them apart.
constinit uint32_t next_device_minor = 1;
}  // namespace

FileSystem::FileSystem(uint64_t magic, bool read_only, uint64_t capacity_bytes)
    : magic_(magic), read_only_(read_only), device_minor_(next_device_minor++),
      capacity_bytes_(capacity_bytes) {}

uint64_t FileSystem::device_id() const { return encode_device(device_major(), device_minor_); }

Result<void> FileSystem::reserve_bytes(uint64_t bytes) {
    if (capacity_bytes_ != 0 && (bytes > capacity_bytes_ || used_bytes_ > capacity_bytes_ - bytes))
        return Errno::ENOSPC;
    used_bytes_ += bytes;
    return {};
}

void FileSystem::release_bytes(uint64_t bytes) { used_bytes_ -= bytes < used_bytes_ ? bytes : used_bytes_; }

}  // namespace ingot
