// open(2) after the system-call layer has copied the path in: lookup, O_CREAT, symlink
// following, and the checks Linux makes before handing out an open file (fs/namei.c
// open_last_lookups/do_open, fs/open.c build_open_flags).
#include <fs/inode_file.h>
#include <fs/ram_file.h>
#include <fs/vfs.h>
#include <lib/format.h>

#include <utility>

namespace ingot::vfs {
namespace {

// The flags an O_PATH open keeps; open(2): "other flags are ignored".
constexpr uint32_t kPathOnlyFlags = kOpenPath | kOpenDirectory | kOpenNoFollow | kOpenCloseOnExec;

bool wants_write(uint32_t flags) {
    uint32_t mode = flags & kOpenAccessMask;
    return mode == kOpenWriteOnly || mode == kOpenReadWrite;
}

// Hands out an open file for an inode that exists.
Result<OpenFileRef> open_existing(InodeRef inode, uint32_t flags, DirectoryRef parent, std::string_view name) {
    if ((flags & kOpenDirectory) && !inode->is_directory()) return Errno::ENOTDIR;
    if (flags & kOpenPath) return OpenFileRef(new InodeFile(std::move(inode), flags, std::move(parent), name));
    if (inode->is_directory()) {
        // open(2) EISDIR: "pathname refers to a directory and the access requested involved
        // writing" (O_TRUNC asks for write access); O_CREAT on a directory is refused alike.
        if (wants_write(flags) || (flags & (kOpenCreate | kOpenTruncate))) return Errno::EISDIR;
    }
    bool truncating = (flags & kOpenTruncate) && inode->is_regular();
    // Writing needs a writable file system: EROFS, except for devices (mount(8) "ro" does not
    // stop writes to device nodes). O_TRUNC asks for write access even with O_RDONLY.
    if ((wants_write(flags) || truncating) && !contents_writable(*inode)) return Errno::EROFS;
    if (truncating && inode->size() != 0) TRY(inode->truncate(0));
    // x86_64 Linux opens every file as large (force_o_largefile); F_GETFL shows it.
    uint32_t status = flags | kOpenLargeFile;
    return OpenFileRef(new InodeFile(std::move(inode), status, std::move(parent), name));
}

// O_TMPFILE: an unnamed regular file in the directory at path (open(2)).
Result<OpenFileRef> open_temporary(DirectoryRef start, std::string_view path, uint32_t flags, uint32_t mode) {
    if (!wants_write(flags)) return Errno::EINVAL;
    ResolvedPath dir = TRY(lookup(std::move(start), path, true));
    if (!dir.inode->is_directory()) return Errno::ENOTDIR;
    if (dir.inode->fs().read_only()) return Errno::EROFS;
    if (dir.inode->fs().magic() != kTmpfsMagic) return Errno::EOPNOTSUPP;
    InodeRef file(new RamFile(RefPtr<FileSystem>(&dir.inode->fs()), mode));
    file->drop_link();  // no name links it: it disappears with its last descriptor
    char name[32];
    size_t len = format_to(name, sizeof(name), "#%llu", static_cast<unsigned long long>(file->inode_number()));
    uint32_t status = (flags & ~kOpenTmpFile) | kOpenLargeFile;
    return OpenFileRef(new InodeFile(std::move(file), status, as_directory(dir.inode), std::string_view(name, len)));
}

}  // namespace

Result<OpenFileRef> open(DirectoryRef start, std::string_view path, uint32_t flags, uint32_t create_mode) {
    if ((flags & kOpenTmpFile) == kOpenTmpFile) return open_temporary(std::move(start), path, flags, create_mode);
    if (flags & kOpenPath) flags &= kPathOnlyFlags;
    // Linux 6.4+: O_CREAT|O_DIRECTORY is never meaningful.
    if ((flags & kOpenCreate) && (flags & kOpenDirectory)) return Errno::EINVAL;
    bool create = flags & kOpenCreate;
    bool exclusive = create && (flags & kOpenExclusive);

    PathResolver resolver;
    OwnedString current(path);
    DirectoryRef base = std::move(start);
    for (;;) {
        ParentAndName last = TRY(resolver.resolve_parent(base, current.view()));
        if (last.kind != LastComponentKind::Normal) {
            // "/", "." or "..": an existing directory.
            if (create) return Errno::EISDIR;
            DirectoryRef dir = last.kind == LastComponentKind::Dot  ? last.parent
                               : last.kind == LastComponentKind::Root ? root()
                                                                      : parent_or_self(last.parent);
            return open_existing(InodeRef(dir), flags, nullptr, {});
        }
        // open(2): with O_CREAT, a trailing slash is EISDIR whether or not the name exists.
        if (create && last.trailing_slash) return Errno::EISDIR;
        Result<InodeRef> found = last.parent->lookup(last.name.view());
        if (!found.ok()) {
            if (found.error() != Errno::ENOENT || !create) return found.error();
            if (last.parent->fs().read_only()) return Errno::EROFS;
            if (last.parent->is_removed()) return Errno::ENOENT;
            InodeRef file = TRY(last.parent->create_file(last.name.view(), create_mode));
            last.parent->touch_modified();
            // A new file is empty: O_TRUNC has nothing to do, and the creator gets the access it
            // asked for even if create_mode grants none (open(2)).
            return open_existing(std::move(file), flags & ~kOpenTruncate, last.parent, last.name.view());
        }
        InodeRef inode = found.release_value();
        if (exclusive) return Errno::EEXIST;  // even a dangling symlink (open(2) O_EXCL)
        if (inode->is_symlink() && !last.trailing_slash) {
            if (flags & kOpenNoFollow) {
                // O_NOFOLLOW: ELOOP, unless O_PATH asks for the link itself.
                if (!(flags & kOpenPath)) return Errno::ELOOP;
                return open_existing(std::move(inode), flags, last.parent, last.name.view());
            }
        }
        if (inode->is_symlink()) {
            TRY(resolver.count_symlink());
            OwnedString target = TRY(inode->read_link());
            if (target.empty()) return Errno::ENOENT;
            if (last.trailing_slash) target.append('/');
            base = last.parent;
            current = std::move(target);
            continue;
        }
        if (last.trailing_slash && !inode->is_directory()) return Errno::ENOTDIR;
        return open_existing(std::move(inode), flags, last.parent, last.name.view());
    }
}

}  // namespace ingot::vfs
