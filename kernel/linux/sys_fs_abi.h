// The x86_64 Linux structures and constants of the file system calls, byte for byte as the
// kernel's uapi headers lay them out (asm/stat.h, linux/stat.h, linux/dirent.h, asm/statfs.h,
// linux/uio.h, asm-generic/fcntl.h, asm-generic/ioctls.h, linux/fcntl.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot::linux_abi {

// struct stat (arch/x86/include/uapi/asm/stat.h, the __x86_64__ branch).
struct Stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    int64_t st_atime_sec;
    int64_t st_atime_nsec;
    int64_t st_mtime_sec;
    int64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    int64_t st_ctime_nsec;
    int64_t unused[3];
};
static_assert(sizeof(Stat) == 144);
static_assert(offsetof(Stat, st_mode) == 24 && offsetof(Stat, st_rdev) == 40 && offsetof(Stat, st_size) == 48);
static_assert(offsetof(Stat, st_blksize) == 56 && offsetof(Stat, st_atime_sec) == 72 && offsetof(Stat, st_ctime_nsec) == 112);

struct StatxTimestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
static_assert(sizeof(StatxTimestamp) == 16);

// struct statx (include/uapi/linux/stat.h).
struct Statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    StatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;
    uint32_t stx_dio_offset_align;
    uint64_t spare3[12];
};
static_assert(sizeof(Statx) == 256);
static_assert(offsetof(Statx, stx_mode) == 28 && offsetof(Statx, stx_ino) == 32 && offsetof(Statx, stx_atime) == 64);
static_assert(offsetof(Statx, stx_mtime) == 112 && offsetof(Statx, stx_rdev_major) == 128 && offsetof(Statx, stx_mnt_id) == 144);

inline constexpr uint32_t kStatxType = 0x1, kStatxMode = 0x2, kStatxNlink = 0x4, kStatxUid = 0x8,
                          kStatxGid = 0x10, kStatxAtime = 0x20, kStatxMtime = 0x40, kStatxCtime = 0x80,
                          kStatxIno = 0x100, kStatxSize = 0x200, kStatxBlocks = 0x400;
inline constexpr uint32_t kStatxBasicStats = 0x7ff;
inline constexpr uint32_t kStatxReserved = 0x80000000;  // STATX__RESERVED: EINVAL if asked for

// struct linux_dirent64 (include/linux/dirent.h): a fixed 19-byte head, then the NUL-terminated
// name, the whole record padded to 8 bytes.
struct Dirent64Head {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
} __attribute__((packed));
static_assert(sizeof(Dirent64Head) == 19);

// struct iovec (include/uapi/linux/uio.h).
struct Iovec {
    uint64_t iov_base;
    uint64_t iov_len;
};
static_assert(sizeof(Iovec) == 16);

// struct statfs (arch/x86/include/uapi/asm/statfs.h → asm-generic/statfs.h, 64-bit longs).
struct Statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
static_assert(sizeof(Statfs) == 120 && offsetof(Statfs, f_fsid) == 56 && offsetof(Statfs, f_flags) == 80);

inline constexpr int64_t kStatfsReadOnly = 0x0001;  // ST_RDONLY
inline constexpr int64_t kStatfsValid = 0x0020;     // ST_VALID: f_flags is meaningful

// struct flock (asm-generic/fcntl.h on x86_64).
struct Flock {
    int16_t l_type;
    int16_t l_whence;
    int32_t pad;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
    int32_t pad2;
};
static_assert(sizeof(Flock) == 32 && offsetof(Flock, l_start) == 8 && offsetof(Flock, l_pid) == 24);

inline constexpr int16_t kLockRead = 0, kLockWrite = 1, kLockUnlock = 2;  // F_RDLCK, F_WRLCK, F_UNLCK

// struct timespec.
struct Timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
static_assert(sizeof(Timespec) == 16);
inline constexpr int64_t kUtimeNow = (1 << 30) - 1;   // UTIME_NOW
inline constexpr int64_t kUtimeOmit = (1 << 30) - 2;  // UTIME_OMIT

// *at() conventions (include/uapi/linux/fcntl.h).
inline constexpr int kAtFdCwd = -100;
inline constexpr uint32_t kAtSymlinkNoFollow = 0x100;
inline constexpr uint32_t kAtRemoveDir = 0x200;
inline constexpr uint32_t kAtEaccess = 0x200;
inline constexpr uint32_t kAtSymlinkFollow = 0x400;
inline constexpr uint32_t kAtNoAutomount = 0x800;
inline constexpr uint32_t kAtEmptyPath = 0x1000;
inline constexpr uint32_t kAtStatxSyncType = 0x6000;

inline constexpr uint32_t kRenameNoReplace = 1, kRenameExchange = 2, kRenameWhiteout = 4;

inline constexpr uint32_t kCloseRangeUnshare = 1u << 1, kCloseRangeCloexec = 1u << 2;

// access(2) modes.
inline constexpr uint32_t kAccessExists = 0, kAccessExecute = 1, kAccessWrite = 2, kAccessRead = 4;

// fcntl(2) commands.
inline constexpr uint32_t kFcntlDupFd = 0, kFcntlGetFd = 1, kFcntlSetFd = 2, kFcntlGetFl = 3,
                          kFcntlSetFl = 4, kFcntlGetLk = 5, kFcntlSetLk = 6, kFcntlSetLkWait = 7,
                          kFcntlSetOwn = 8, kFcntlGetOwn = 9,
                          kFcntlOfdGetLk = 36, kFcntlOfdSetLk = 37, kFcntlOfdSetLkWait = 38,
                          kFcntlDupFdCloexec = 1030, kFcntlSetPipeSize = 1031, kFcntlGetPipeSize = 1032;
inline constexpr uint32_t kFdCloexec = 1;  // FD_CLOEXEC

// ioctl(2) requests (asm-generic/ioctls.h).
inline constexpr uint32_t kTcgets = 0x5401, kTiocgwinsz = 0x5413, kFionread = 0x541B, kFionbio = 0x5421,
                          kFionclex = 0x5450, kFioclex = 0x5451, kFioasync = 0x5452;
// Block device requests (linux/fs.h): BLKSSZGET = _IO(0x12, 104) (an int), BLKGETSIZE64 =
// _IOR(0x12, 114, size_t) (a u64 of bytes), BLKDISCARD = _IO(0x12, 119) (u64 start, u64 length).
inline constexpr uint32_t kBlkSectorSizeGet = 0x1268, kBlkGetSize64 = 0x80081272, kBlkDiscard = 0x1277;
// FITRIM = _IOWR('X', 121, struct fstrim_range { u64 start, len, minlen; }) (linux/fs.h).
inline constexpr uint32_t kFitrim = 0xC0185879;

// pipe2(2) flags beyond O_CLOEXEC and O_NONBLOCK.
inline constexpr uint32_t kPipeNotification = 0200;  // O_NOTIFICATION_PIPE (== O_EXCL)

// posix_fadvise(2): POSIX_FADV_NORMAL .. POSIX_FADV_NOREUSE.
inline constexpr uint32_t kFadviseDontNeed = 4;
inline constexpr uint32_t kFadviseMax = 5;

// fallocate(2) modes (linux/falloc.h): FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE, and every
// flag Linux knows (FALLOC_FL_SUPPORTED_MASK: also NO_HIDE_STALE, COLLAPSE_RANGE, ZERO_RANGE,
// INSERT_RANGE, UNSHARE_RANGE).
inline constexpr uint32_t kFallocKeepSize = 0x01, kFallocPunchHole = 0x02, kFallocZeroRange = 0x10,
                          kFallocKnownModes = 0x7f;

}  // namespace ingot::linux_abi
