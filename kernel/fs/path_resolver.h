// Path resolution (path_resolution(7)): walks a path component by component from the root
// (absolute paths) or a start directory (relative ones), handling ".", "..", repeated and
// trailing slashes, and symbolic links, of which one lookup follows at most 40 (ELOOP).
// Components longer than NAME_MAX and paths of PATH_MAX bytes or more give ENAMETOOLONG; a
// non-directory in the middle of a path gives ENOTDIR.
#pragma once

#include <fs/directory.h>
#include <fs/fs_limits.h>
#include <fs/owned_string.h>
#include <lib/result.h>

#include <string_view>

namespace ingot {

enum class LastComponentKind : uint8_t { Normal, Dot, DotDot, Root };

// The directory that holds a path's last component, and that component. Operations that
// create or remove names (open O_CREAT, mkdir, unlink, rename...) start from this.
struct ParentAndName {
    DirectoryRef parent;
    OwnedString name;  // the last component (Normal only)
    LastComponentKind kind = LastComponentKind::Normal;
    bool trailing_slash = false;  // the path ended in '/': the last component must be a directory
};

// What a full path resolved to, and where its last name was found (parent null when the path
// ended in "/", "." or "..").
struct ResolvedPath {
    InodeRef inode;
    DirectoryRef parent;
    OwnedString name;
};

class PathResolver {
public:
    // Resolves all but the last component of path, starting at start for relative paths.
    // The last component is not looked up (it may not exist yet).
    Result<ParentAndName> resolve_parent(DirectoryRef start, std::string_view path);
    // Resolves the whole path; a final symbolic link is followed when follow_final_symlink
    // or the path ends in '/'.
    Result<ResolvedPath> resolve(DirectoryRef start, std::string_view path, bool follow_final_symlink);
    // Counts one symbolic link followed by the caller; ELOOP past MAXSYMLINKS.
    Result<void> count_symlink();

private:
    int symlinks_left_ = kMaxSymlinkFollows;
};

// The directory ".." leads to from dir (dir itself at the root).
DirectoryRef parent_or_self(const DirectoryRef& dir);

}  // namespace ingot
