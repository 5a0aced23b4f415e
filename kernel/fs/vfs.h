// The file-system tree the program sees, and the operations on names in it. The root is
// read-only (EROFS for every modification); /tmp is a writable tmpfs; /dev and /proc are
// read-only trees of devices and process links. Every operation follows Linux semantics and
// error precedence; the system-call layer (linux/sys_fs*.cpp) validates arguments, copies
// paths in and hands off here.
#pragma once

#include <fs/directory.h>
#include <fs/open_file.h>
#include <fs/owned_string.h>
#include <fs/path_resolver.h>
#include <lib/result.h>

#include <cstdint>
#include <string_view>

namespace ingot::vfs {

// The root directory of the mounted tree; null before mount_root_filesystem.
DirectoryRef root();
// Replaces the tree (mount_root_filesystem does this once at boot).
void set_root(DirectoryRef root);

// The absolute path of dir ("/tmp/a"); ENOENT when dir was removed or is not in the tree
// (getcwd(2)).
Result<OwnedString> absolute_path(const DirectoryRef& dir);

// Resolves path from start (relative paths); follow: whether a final symlink is followed.
Result<ResolvedPath> lookup(DirectoryRef start, std::string_view path, bool follow);

// True when the inode's contents may be changed: its file system is writable, or it is a
// device (devices are written through read-only mounts, as on Linux).
bool contents_writable(const Inode& inode);

// open(2)/openat(2) after argument checks: flags as given by the program, create_mode with
// the umask already applied.
Result<OpenFileRef> open(DirectoryRef start, std::string_view path, uint32_t flags, uint32_t create_mode);

// mkdir(2), with the umask already applied to mode.
Result<void> make_directory(DirectoryRef start, std::string_view path, uint32_t mode);
// rmdir(2).
Result<void> remove_directory(DirectoryRef start, std::string_view path);
// unlink(2).
Result<void> unlink(DirectoryRef start, std::string_view path);
// rename(2)/renameat2(2) with flags 0 (replace) or RENAME_NOREPLACE (no_replace).
Result<void> rename(DirectoryRef old_start, std::string_view old_path, DirectoryRef new_start,
                    std::string_view new_path, bool no_replace);
// symlink(2): creates path as a link to target.
Result<void> make_symlink(std::string_view target, DirectoryRef start, std::string_view path);

// link(2): gives inode (not a directory: EPERM) the new name path, on the same file system
// (EXDEV otherwise).
Result<void> make_link(const InodeRef& inode, DirectoryRef start, std::string_view path);

// truncate(2)/ftruncate(2) on an inode: EISDIR for directories, EINVAL for other
// non-regular files, EROFS on read-only file systems.
Result<void> truncate(Inode& inode, uint64_t length);

}  // namespace ingot::vfs
