// `ingot disk create`: makes a disk image holding an ext4 (or ext2) file system with the host's
// mke2fs, optionally filled from a directory, for `ingot run --disk/--volume`.
#pragma once

#include <ingot/command_line.h>

#include <string>
#include <vector>

namespace ingot::tool {

// The ext4 features images get, on top of the host's mke2fs.conf: those of mkfs.ext4's own
// default ext4 (e2fsprogs 1.47, Debian 12), all of which the kernel's ext4 reads and writes.
inline constexpr const char* kExt4Features = "extent,64bit,flex_bg,has_journal,metadata_csum";
// Disks of at least this size get 4 KiB blocks.
inline constexpr uint64_t kFourKiBBlocksFrom = 8ull << 20;

// The mke2fs argv (binary first) that makes options.file.
std::vector<std::string> mke2fs_arguments(const DiskCreateOptions& options, const std::string& mke2fs);

// Runs `ingot disk create`. Throws input_error when FILE exists (without --force), --from is
// not a directory, mke2fs is missing or fails.
void run_disk_create(const DiskCreateOptions& options);

}  // namespace ingot::tool
