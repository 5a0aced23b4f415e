// Page-table entry bits (Intel SDM Vol. 3A §4.5, tables 4-14 to 4-20).
#pragma once

#include <cstdint>

namespace ingot {

inline constexpr uint64_t kPtePresent = 1ull << 0;
inline constexpr uint64_t kPteWritable = 1ull << 1;
inline constexpr uint64_t kPteUser = 1ull << 2;
inline constexpr uint64_t kPteWriteThrough = 1ull << 3;
inline constexpr uint64_t kPteCacheDisable = 1ull << 4;
inline constexpr uint64_t kPteLargePage = 1ull << 7;  // 2 MiB in a PD entry, 1 GiB in a PDPT entry
inline constexpr uint64_t kPteGlobal = 1ull << 8;
inline constexpr uint64_t kPteFrameKept = 1ull << 9;  // available to software: entry owns a frame
inline constexpr uint64_t kPteNoExecute = 1ull << 63;
inline constexpr uint64_t kPteAddressMask = 0x000F'FFFF'FFFF'F000ull;

}  // namespace ingot
