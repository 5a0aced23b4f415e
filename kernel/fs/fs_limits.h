// Limits of the Linux file-system interface that programs see (limits.h, path_resolution(7),
// read(2), readv(2)).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot {

inline constexpr size_t kPathMax = 4096;           // PATH_MAX, counting the terminating NUL
inline constexpr size_t kNameMax = 255;            // NAME_MAX: one path component
inline constexpr int kMaxSymlinkFollows = 40;      // MAXSYMLINKS: ELOOP beyond this, per lookup
inline constexpr size_t kMaxRwCount = 0x7ffff000;  // MAX_RW_COUNT: one read/write moves at most this
inline constexpr int kIovMax = 1024;               // UIO_MAXIOV (IOV_MAX)
inline constexpr uint32_t kBlockSize = 4096;       // st_blksize, f_bsize
inline constexpr uint64_t kMaxFileSize = 0x7fff'ffff'ffff'ffffull;  // MAX_LFS_FILESIZE
inline constexpr size_t kPipeBufAtomic = 4096;     // PIPE_BUF: writes up to this are atomic
inline constexpr size_t kPipeDefaultCapacity = 65536;  // pipe(7): 16 pages
inline constexpr size_t kPipeMaxCapacity = 1048576;    // /proc/sys/fs/pipe-max-size default

}  // namespace ingot
