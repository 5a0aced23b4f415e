// File type and permission bits of st_mode, directory-entry types and device numbers, as the
// x86_64 Linux ABI defines them (inode(7), getdents64(2), makedev(3)).
#pragma once

#include <cstdint>

namespace ingot {

inline constexpr uint32_t kModeTypeMask = 0170000;  // S_IFMT
inline constexpr uint32_t kModeSocket = 0140000;    // S_IFSOCK
inline constexpr uint32_t kModeSymlink = 0120000;   // S_IFLNK
inline constexpr uint32_t kModeRegular = 0100000;   // S_IFREG
inline constexpr uint32_t kModeBlockDevice = 0060000;
inline constexpr uint32_t kModeDirectory = 0040000;
inline constexpr uint32_t kModeCharDevice = 0020000;
inline constexpr uint32_t kModeFifo = 0010000;
inline constexpr uint32_t kModePermissionMask = 07777;  // rwx for user/group/other + suid/sgid/sticky
inline constexpr uint32_t kModeAnyExecute = 0111;

// d_type values of linux_dirent64: the file type bits shifted down (DT_DIR == S_IFDIR >> 12).
constexpr uint8_t dirent_type_for_mode(uint32_t mode) { return static_cast<uint8_t>((mode & kModeTypeMask) >> 12); }

// A device number as the kernel encodes st_dev/st_rdev for userspace (new_encode_dev in
// include/linux/kdev_t.h); glibc's major()/minor() decode it.
constexpr uint64_t encode_device(uint32_t major, uint32_t minor) {
    return (minor & 0xffu) | (static_cast<uint64_t>(major & 0xfffu) << 8) |
           (static_cast<uint64_t>(minor & ~0xffu) << 12);
}

}  // namespace ingot
