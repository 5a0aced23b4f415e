// Builds the tree the program sees at boot:
//   /        read-only, from the image's cpio newc archive, read in place (zero copy: file
//            data points into the archive); directories the archive implies but does not list
//            are created (0755)
//   <program_path>  the program itself, a read-only regular file (0755)
//   /tmp     a writable tmpfs (1777)
//   /dev     null, zero, full, random, urandom, and vda, vdb... for the registered disks
//   /proc    self/exe (a link to program_path), self/cwd, self/fd/N
// /tmp, /dev and /proc hide whatever the archive put at those paths, as mounts do.
#pragma once

#include <fs/directory.h>
#include <lib/function_ref.h>
#include <lib/result.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot {

struct MountOptions {
    // tmpfs size limit in bytes (ENOSPC past it); 0 for no limit (statfs then reports 0 blocks).
    uint64_t tmpfs_capacity_bytes = 0;
};

// Builds and installs the tree (replacing any earlier one). EINVAL for a malformed archive or
// program path (which must be absolute and outside /tmp, /dev and /proc), ENOTDIR when the
// archive puts a file where a path needs a directory, ENAMETOOLONG for overlong names.
// An empty archive gives an empty root.
Result<void> mount_root_filesystem(std::span<const uint8_t> cpio_archive, std::string_view program_path,
                                   std::span<const uint8_t> program_bytes, const MountOptions& options = {});

// Creates or replaces the read-only file at path (absolute) in the root file system with
// contents (mode 0644, kept by the file), making missing directories (0755). For the files the
// kernel writes itself, such as /etc/resolv.conf; open descriptors keep the old contents.
// EINVAL before the root is mounted or for a relative path.
Result<void> put_system_file(std::string_view path, std::vector<uint8_t> contents);

// Puts the root directory of another file system at path (absolute, not "/", outside /tmp,
// /dev and /proc), hiding what the root had there; missing directories on the way are made
// in the root's in-memory tree (0755). make_root gets the directory that will hold the mount
// (the mounted root's "..") and returns the root to graft. EINVAL before the root is mounted
// or for a bad path, ENOTDIR when a path component is a file.
Result<void> graft_mount(std::string_view path, FunctionRef<Result<DirectoryRef>(DirectoryRef parent)> make_root);

}  // namespace ingot
