#include <fs/path_resolver.h>
#include <fs/vfs.h>

#include <utility>
#include <vector>

namespace ingot {
namespace {

LastComponentKind kind_of(std::string_view component) {
    if (component == ".") return LastComponentKind::Dot;
    if (component == "..") return LastComponentKind::DotDot;
    return LastComponentKind::Normal;
}

// One step of a walk: ".", ".." or a child of dir.
Result<InodeRef> step(const DirectoryRef& dir, std::string_view component) {
    switch (kind_of(component)) {
    case LastComponentKind::Dot: return InodeRef(dir);
    case LastComponentKind::DotDot: return InodeRef(parent_or_self(dir));
    default: return dir->lookup(component);
    }
}

}  // namespace

DirectoryRef parent_or_self(const DirectoryRef& dir) {
    DirectoryRef parent = dir->parent();
    return parent ? parent : dir;
}

Result<void> PathResolver::count_symlink() {
    if (symlinks_left_ == 0) return Errno::ELOOP;
    --symlinks_left_;
    return {};
}

Result<ParentAndName> PathResolver::resolve_parent(DirectoryRef start, std::string_view path) {
    if (path.empty()) return Errno::ENOENT;
    if (path.size() >= kPathMax) return Errno::ENAMETOOLONG;
    DirectoryRef root = vfs::root();
    if (!root) return Errno::ENOENT;
    // The text still to walk; a symbolic link met on the way is spliced in front of the rest.
    std::vector<char> pending(path.begin(), path.end());
    DirectoryRef dir = path[0] == '/' ? root : std::move(start);
    if (!dir) dir = root;
    size_t pos = 0;
    for (;;) {
        size_t size = pending.size();
        while (pos < size && pending[pos] == '/') ++pos;
        if (pos == size) {
            // Only slashes: the path is "/" (a spliced link always has text after it).
            ParentAndName result;
            result.parent = dir;
            result.kind = LastComponentKind::Root;
            result.trailing_slash = true;
            return result;
        }
        size_t end = pos;
        while (end < size && pending[end] != '/') ++end;
        std::string_view component(pending.data() + pos, end - pos);
        if (component.size() > kNameMax) return Errno::ENAMETOOLONG;
        size_t next = end;
        while (next < size && pending[next] == '/') ++next;
        if (next == size) {
            ParentAndName result;
            result.parent = dir;
            result.kind = kind_of(component);
            if (result.kind == LastComponentKind::Normal) result.name = OwnedString(component);
            result.trailing_slash = end != size;
            return result;
        }
        InodeRef node = TRY(step(dir, component));
        if (node->is_symlink()) {
            TRY(count_symlink());
            OwnedString target = TRY(node->read_link());
            if (target.empty()) return Errno::ENOENT;  // path_resolution(7): empty link target
            std::string_view text = target.view();
            std::vector<char> spliced(text.begin(), text.end());
            spliced.push_back('/');
            spliced.insert(spliced.end(), pending.begin() + static_cast<ptrdiff_t>(next), pending.end());
            if (text[0] == '/') dir = root;
            pending = std::move(spliced);
            pos = 0;
            continue;
        }
        if (!node->is_directory()) return Errno::ENOTDIR;
        dir = as_directory(node);
        pos = next;
    }
}

Result<ResolvedPath> PathResolver::resolve(DirectoryRef start, std::string_view path, bool follow_final_symlink) {
    OwnedString current(path);
    DirectoryRef base = std::move(start);
    for (;;) {
        ParentAndName last = TRY(resolve_parent(base, current.view()));
        ResolvedPath resolved;
        switch (last.kind) {
        case LastComponentKind::Root: resolved.inode = vfs::root(); break;
        case LastComponentKind::Dot: resolved.inode = last.parent; break;
        case LastComponentKind::DotDot: resolved.inode = parent_or_self(last.parent); break;
        case LastComponentKind::Normal:
            resolved.inode = TRY(last.parent->lookup(last.name.view()));
            resolved.parent = last.parent;
            resolved.name = std::move(last.name);
            break;
        }
        if (resolved.inode->is_symlink() && (follow_final_symlink || last.trailing_slash)) {
            TRY(count_symlink());
            OwnedString target = TRY(resolved.inode->read_link());
            if (target.empty()) return Errno::ENOENT;
            if (last.trailing_slash) target.append('/');
            base = last.parent;
            current = std::move(target);
            continue;
        }
        if (last.trailing_slash && !resolved.inode->is_directory()) return Errno::ENOTDIR;
        return resolved;
    }
}

}  // namespace ingot
