// Argument decoding shared by the file system calls: descriptors, paths, *at() directory
// descriptors and AT_EMPTY_PATH.
#pragma once

#include <fs/fs_context.h>
#include <fs/open_file.h>
#include <fs/owned_string.h>
#include <fs/path_resolver.h>
#include <lib/result.h>

#include <cstdint>
#include <string_view>

namespace ingot::sys_fs {

// An int argument (descriptor, dirfd): the kernel reads the low 32 bits of the register.
inline int int_arg(uint64_t raw) { return static_cast<int>(static_cast<uint32_t>(raw)); }

// The open file behind a descriptor argument; EBADF when it is not open. O_PATH descriptors
// are refused (EBADF) unless allow_path_only, as Linux's fdget does for most calls.
Result<OpenFileRef> file_arg(uint64_t raw_fd, bool allow_path_only = false);

// Copies a path argument in: EFAULT for NULL or an unreadable string, ENAMETOOLONG when it
// does not fit in PATH_MAX bytes with its NUL. An empty path is returned as such.
Result<OwnedString> path_arg(uint64_t user_path);

// Where a relative path given with dirfd starts: the working directory for AT_FDCWD, the
// directory open at dirfd otherwise (EBADF, ENOTDIR). Absolute paths ignore dirfd entirely.
Result<DirectoryRef> start_directory(int dirfd, std::string_view path);

// What a *at() path names: the file open at dirfd when the path is empty and AT_EMPTY_PATH
// allows it (or the working directory for AT_FDCWD), else the resolved path.
struct PathTarget {
    OpenFileRef file;   // set for the empty path with a descriptor
    ResolvedPath path;  // otherwise
    InodeRef inode() const { return file ? file->inode() : path.inode; }
    InodeStat stat() const { return file ? file->stat() : path.inode->stat(); }
};
// Resolves a *at() path argument: ENOENT for an empty path unless allow_empty.
Result<PathTarget> lookup_at(int dirfd, uint64_t user_path, bool follow, bool allow_empty);

// A byte count as read(2)/write(2) use it: at most MAX_RW_COUNT.
// fsync(2) (data_only: fdatasync(2)) of one inode: a disk's file system written back, or a
// block device flushed.
Result<void> sync_inode(Inode& inode, bool data_only);

inline size_t clamp_count(uint64_t count) {
    return count > kMaxRwCount ? kMaxRwCount : static_cast<size_t>(count);
}

}  // namespace ingot::sys_fs
