// Flags of open(2) and fcntl(2) on x86_64 Linux (asm-generic/fcntl.h).
#pragma once

#include <cstdint>

namespace ingot {

inline constexpr uint32_t kOpenReadOnly = 00;
inline constexpr uint32_t kOpenWriteOnly = 01;
inline constexpr uint32_t kOpenReadWrite = 02;
inline constexpr uint32_t kOpenAccessMask = 03;  // O_ACCMODE
inline constexpr uint32_t kOpenCreate = 0100;
inline constexpr uint32_t kOpenExclusive = 0200;
inline constexpr uint32_t kOpenNoCtty = 0400;
inline constexpr uint32_t kOpenTruncate = 01000;
inline constexpr uint32_t kOpenAppend = 02000;
inline constexpr uint32_t kOpenNonBlock = 04000;
inline constexpr uint32_t kOpenDataSync = 010000;  // O_DSYNC
inline constexpr uint32_t kOpenAsync = 020000;     // O_ASYNC (FASYNC)
inline constexpr uint32_t kOpenDirect = 040000;
inline constexpr uint32_t kOpenLargeFile = 0100000;
inline constexpr uint32_t kOpenDirectory = 0200000;
inline constexpr uint32_t kOpenNoFollow = 0400000;
inline constexpr uint32_t kOpenNoAccessTime = 01000000;
inline constexpr uint32_t kOpenCloseOnExec = 02000000;
inline constexpr uint32_t kOpenSync = 04010000;  // O_SYNC includes O_DSYNC
inline constexpr uint32_t kOpenPath = 010000000;
inline constexpr uint32_t kOpenTmpFile = 020200000;  // O_TMPFILE includes O_DIRECTORY

// The flags an open file keeps after open(2) and reports through F_GETFL.
inline constexpr uint32_t kOpenStatusFlags = kOpenAccessMask | kOpenAppend | kOpenNonBlock |
                                             kOpenSync | kOpenAsync | kOpenDirect |
                                             kOpenLargeFile | kOpenNoAccessTime | kOpenPath;
// The flags F_SETFL may change (fcntl(2): "other flags are ignored").
inline constexpr uint32_t kOpenSettableFlags =
    kOpenAppend | kOpenNonBlock | kOpenAsync | kOpenDirect | kOpenNoAccessTime;

}  // namespace ingot
