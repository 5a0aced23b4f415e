// Operations that add, remove or move names: mkdir, rmdir, unlink, rename, symlink. Error
// precedence follows fs/namei.c (the kind of the last component first, then EROFS, then the
// lookups), so programs that probe with these calls see what they would see on Linux.
#include <fs/vfs.h>

#include <utility>

namespace ingot::vfs {
namespace {

// filename_create(): the checks before a new name is made in last.parent.
Result<void> check_can_create(const ParentAndName& last, bool is_directory) {
    if (last.kind != LastComponentKind::Normal) return Errno::EEXIST;
    bool exists = last.parent->lookup(last.name.view()).ok();
    if (exists) return Errno::EEXIST;
    // "you had / on the end, you've been asking for (non-existent) directory. -ENOENT for you."
    if (last.trailing_slash && !is_directory) return Errno::ENOENT;
    if (last.parent->fs().read_only()) return Errno::EROFS;
    if (last.parent->is_removed()) return Errno::ENOENT;
    return {};
}

// True when ancestor is dir or one of dir's ancestors.
bool is_ancestor(const Directory* ancestor, DirectoryRef dir) {
    while (dir) {
        if (dir.get() == ancestor) return true;
        dir = dir->parent();
    }
    return false;
}

}  // namespace

Result<void> make_directory(DirectoryRef start, std::string_view path, uint32_t mode) {
    PathResolver resolver;
    ParentAndName last = TRY(resolver.resolve_parent(std::move(start), path));
    TRY(check_can_create(last, true));
    TRY(last.parent->create_directory(last.name.view(), mode));
    last.parent->touch_modified();
    return {};
}

Result<void> make_symlink(std::string_view target, DirectoryRef start, std::string_view path) {
    if (target.empty()) return Errno::ENOENT;  // symlink(2) ENOENT: "target is an empty string"
    PathResolver resolver;
    ParentAndName last = TRY(resolver.resolve_parent(std::move(start), path));
    TRY(check_can_create(last, false));
    TRY(last.parent->create_symlink(last.name.view(), target));
    last.parent->touch_modified();
    return {};
}

Result<void> make_link(const InodeRef& inode, DirectoryRef start, std::string_view path) {
    // link(2): EPERM for directories, EXDEV across file systems.
    if (inode->is_directory()) return Errno::EPERM;
    PathResolver resolver;
    ParentAndName last = TRY(resolver.resolve_parent(std::move(start), path));
    TRY(check_can_create(last, false));
    if (&last.parent->fs() != &inode->fs()) return Errno::EXDEV;
    TRY(last.parent->add_entry(last.name.view(), inode));
    inode->add_link();
    inode->touch_changed();
    last.parent->touch_modified();
    return {};
}

Result<void> remove_directory(DirectoryRef start, std::string_view path) {
    PathResolver resolver;
    ParentAndName last = TRY(resolver.resolve_parent(std::move(start), path));
    // rmdir(2): EINVAL for ".", ENOTEMPTY for "..", EBUSY for the root.
    if (last.kind == LastComponentKind::Dot) return Errno::EINVAL;
    if (last.kind == LastComponentKind::DotDot) return Errno::ENOTEMPTY;
    if (last.kind == LastComponentKind::Root) return Errno::EBUSY;
    if (last.parent->fs().read_only()) return Errno::EROFS;
    InodeRef inode = TRY(last.parent->lookup(last.name.view()));
    if (!inode->is_directory()) return Errno::ENOTDIR;
    DirectoryRef dir = as_directory(inode);
    if (!dir->is_empty()) return Errno::ENOTEMPTY;
    if (dir == root()) return Errno::EBUSY;
    TRY(last.parent->remove_entry(last.name.view()));
    dir->mark_removed();
    last.parent->touch_modified();
    return {};
}

Result<void> unlink(DirectoryRef start, std::string_view path) {
    PathResolver resolver;
    ParentAndName last = TRY(resolver.resolve_parent(std::move(start), path));
    if (last.kind != LastComponentKind::Normal) return Errno::EISDIR;
    if (last.parent->fs().read_only()) return Errno::EROFS;
    InodeRef inode = TRY(last.parent->lookup(last.name.view()));
    if (last.trailing_slash) return inode->is_directory() ? Errno::EISDIR : Errno::ENOTDIR;
    // unlink(2) EISDIR: Linux refuses directories with EISDIR rather than POSIX's EPERM.
    if (inode->is_directory()) return Errno::EISDIR;
    TRY(last.parent->remove_entry(last.name.view()));
    inode->drop_link();
    inode->touch_changed();
    last.parent->touch_modified();
    return {};
}

Result<void> rename(DirectoryRef old_start, std::string_view old_path, DirectoryRef new_start,
                    std::string_view new_path, bool no_replace) {
    PathResolver old_resolver, new_resolver;
    ParentAndName from = TRY(old_resolver.resolve_parent(std::move(old_start), old_path));
    ParentAndName to = TRY(new_resolver.resolve_parent(std::move(new_start), new_path));
    // rename(2) EXDEV: both names must be on the same mounted file system.
    if (&from.parent->fs() != &to.parent->fs()) return Errno::EXDEV;
    if (from.kind != LastComponentKind::Normal) return Errno::EBUSY;
    if (to.kind != LastComponentKind::Normal) return no_replace ? Errno::EEXIST : Errno::EBUSY;
    if (from.parent->fs().read_only()) return Errno::EROFS;

    InodeRef source = TRY(from.parent->lookup(from.name.view()));
    Result<InodeRef> existing = to.parent->lookup(to.name.view());
    InodeRef target = existing.ok() ? existing.value() : InodeRef();
    if (!existing.ok() && existing.error() != Errno::ENOENT) return existing.error();
    if (target && no_replace) return Errno::EEXIST;
    if (!source->is_directory() && (from.trailing_slash || to.trailing_slash)) return Errno::ENOTDIR;
    // rename(2) EINVAL: "an attempt was made to make a directory a subdirectory of itself".
    if (source->is_directory() && is_ancestor(static_cast<Directory*>(source.get()), to.parent))
        return Errno::EINVAL;
    if (target && target->is_directory() && is_ancestor(static_cast<Directory*>(target.get()), from.parent))
        return Errno::ENOTEMPTY;
    // "If oldpath and newpath are existing hard links referring to the same file, rename()
    // does nothing."
    if (target == source) return {};
    if (to.parent->is_removed()) return Errno::ENOENT;
    if (target) {
        if (source->is_directory() && !target->is_directory()) return Errno::ENOTDIR;
        if (!source->is_directory() && target->is_directory()) return Errno::EISDIR;
        if (target->is_directory() && !as_directory(target)->is_empty()) return Errno::ENOTEMPTY;
    }

    if (target) {
        TRY(to.parent->remove_entry(to.name.view()));
        if (target->is_directory())
            as_directory(target)->mark_removed();
        else
            target->drop_link();
        target->touch_changed();
    }
    TRY(from.parent->remove_entry(from.name.view()));
    Result<void> added = to.parent->add_entry(to.name.view(), source);
    if (!added.ok()) {
        // Cannot happen (the name was just freed); put the source back rather than lose it.
        (void)from.parent->add_entry(from.name.view(), source);
        return added.error();
    }
    if (source->is_directory()) as_directory(source)->set_parent(to.parent);
    source->touch_changed();
    from.parent->touch_modified();
    to.parent->touch_modified();
    return {};
}

}  // namespace ingot::vfs
