// The machine's disks, in the order the host attached them: disk 0 is /dev/vda, disk 1
// /dev/vdb, and so on. Drivers register them at boot, before /dev is built.
#pragma once

#include <block/block_device.h>

#include <cstddef>
#include <optional>
#include <span>

namespace ingot {

// More disks than this are not registered (vda..vdz).
inline constexpr size_t kMaxDisks = 26;

// Adds device as the next disk; false when kMaxDisks are already registered. The device
// must live as long as the kernel.
bool register_disk(BlockDevice& device);
std::span<BlockDevice* const> registered_disks();
// Forgets every disk (host tests).
void clear_registered_disks();

// "vda" for disk 0, "vdb" for disk 1... (index below kMaxDisks).
const char* disk_name(size_t index);

}  // namespace ingot
