#include <features/feature_hooks.h>
#include <fs/char_device.h>
#include <fs/cpio.h>
#include <fs/fs_limits.h>
#include <fs/proc_fs.h>
#include <fs/ram_directory.h>
#include <fs/root_filesystem.h>
#include <fs/static_file.h>
#include <fs/symlink.h>
#include <fs/vfs.h>
#include <lib/log.h>

#include <utility>
#include <vector>

namespace ingot {
namespace {

constexpr uint32_t kImplicitDirectoryMode = 0755;

// The components of a relative archive path, without empty ones and "." ("a//./b/" is a, b).
Result<void> split_path(std::string_view path, std::vector<std::string_view>& components) {
    size_t pos = 0;
    while (pos < path.size()) {
        size_t end = pos;
        while (end < path.size() && path[end] != '/') ++end;
        std::string_view component = path.substr(pos, end - pos);
        pos = end + 1;
        if (component.empty() || component == ".") continue;
        if (component == "..") return Errno::EINVAL;  // would escape the root
        if (component.size() > kNameMax) return Errno::ENAMETOOLONG;
        components.push_back(component);
    }
    return {};
}

// Unlinks name from dir if present; a directory that goes is taken apart, because its
// children's parent references would otherwise keep the whole subtree alive.
Result<void> remove_if_present(const DirectoryRef& dir, std::string_view name) {
    Result<InodeRef> existing = dir->lookup(name);
    if (!existing.ok()) return {};
    TRY(dir->remove_entry(name));
    if (existing.value()->is_directory()) as_directory(existing.value())->detach_tree();
    return {};
}

class TreeBuilder {
public:
    TreeBuilder(RefPtr<FileSystem> fs, DirectoryRef root) : fs_(std::move(fs)), root_(std::move(root)) {}

    Result<void> add_archive(std::span<const uint8_t> archive);
    // Puts file at path (relative to the root), replacing what was there.
    Result<void> add_file(std::string_view path, InodeRef file);
    // The directory that holds path's last component (left in last), made if missing.
    Result<DirectoryRef> make_parents(std::string_view path, std::string_view& last) {
        return parent_directory(path, last, 0);
    }

private:
    struct HardLink {
        uint32_t cpio_inode;
        InodeRef inode;
    };
    Result<void> add_entry(const CpioEntry& entry);
    // Walks to the directory that holds path's last component, creating missing directories;
    // leaves that component in last.
    Result<DirectoryRef> parent_directory(std::string_view path, std::string_view& last, int64_t mtime);
    Result<InodeRef> make_node(const CpioEntry& entry);
    static void apply_metadata(Inode& inode, const CpioEntry& entry);

    RefPtr<FileSystem> fs_;
    DirectoryRef root_;
    std::vector<HardLink> hard_links_;
};

void TreeBuilder::apply_metadata(Inode& inode, const CpioEntry& entry) {
    inode.set_permissions(entry.mode);
    inode.set_owner(entry.uid, entry.gid);
    inode.set_all_times(FsTime::from_seconds(entry.mtime));
}

Result<void> TreeBuilder::add_archive(std::span<const uint8_t> archive) {
    if (archive.empty()) return {};
    CpioReader reader(archive);
    CpioEntry entry;
    while (TRY(reader.next(entry))) TRY(add_entry(entry));
    return {};
}

Result<DirectoryRef> TreeBuilder::parent_directory(std::string_view path, std::string_view& last, int64_t mtime) {
    if (path.size() >= kPathMax) return Errno::ENAMETOOLONG;
    std::vector<std::string_view> components;
    TRY(split_path(path, components));
    DirectoryRef dir = root_;
    last = {};
    if (components.empty()) return dir;
    for (size_t i = 0; i + 1 < components.size(); ++i) {
        Result<InodeRef> found = dir->lookup(components[i]);
        if (found.ok()) {
            if (!found.value()->is_directory()) return Errno::ENOTDIR;
            dir = as_directory(found.value());
            continue;
        }
        DirectoryRef created(new RamDirectory(fs_, kImplicitDirectoryMode, dir));
        created->set_all_times(FsTime::from_seconds(mtime));
        TRY(dir->add_entry(components[i], InodeRef(created)));
        dir = std::move(created);
    }
    last = components.back();
    return dir;
}

Result<InodeRef> TreeBuilder::make_node(const CpioEntry& entry) {
    if (entry.is_symlink()) {
        std::string_view target(reinterpret_cast<const char*>(entry.data.data()), entry.data.size());
        if (target.empty() || target.size() >= kPathMax) return Errno::EINVAL;
        for (char c : target)
            if (c == '\0') return Errno::EINVAL;
        return InodeRef(new Symlink(fs_, target));
    }
    // newc hard links: every link carries the same ino and nlink > 1; only the last carries
    // the data (cpio(5)). All of them share one inode.
    if (entry.nlink > 1) {
        for (HardLink& link : hard_links_) {
            if (link.cpio_inode != entry.ino) continue;
            auto* file = static_cast<StaticFile*>(link.inode.get());
            if (!entry.data.empty()) file->set_data(entry.data);
            file->add_link();
            return link.inode;
        }
    }
    InodeRef file(new StaticFile(fs_, entry.mode, entry.data));
    if (entry.nlink > 1) hard_links_.push_back(HardLink{entry.ino, file});
    return file;
}

Result<void> TreeBuilder::add_entry(const CpioEntry& entry) {
    bool supported = entry.is_directory() || entry.is_regular() || entry.is_symlink();
    if (!supported) {
        // Device nodes, FIFOs and sockets have no meaning in the image; /dev is provided.
        log_debug("root: skipping special file /%.*s (mode 0x%x)", static_cast<int>(entry.name.size()),
                  entry.name.data(), entry.mode);
        return {};
    }
    std::string_view name;
    DirectoryRef dir = TRY(parent_directory(entry.name, name, entry.mtime));
    if (name.empty()) {
        // The archive's "." entry describes the root itself.
        if (!entry.is_directory()) return Errno::EINVAL;
        apply_metadata(*root_, entry);
        return {};
    }
    Result<InodeRef> existing = dir->lookup(name);
    if (existing.ok()) {
        if (entry.is_directory() && existing.value()->is_directory()) {
            apply_metadata(*existing.value(), entry);  // listed after a child implied it
            return {};
        }
        // A later entry for the same name replaces the earlier one, as extraction would.
        TRY(remove_if_present(dir, name));
    }
    InodeRef node;
    if (entry.is_directory())
        node = InodeRef(new RamDirectory(fs_, entry.mode, dir));
    else
        node = TRY(make_node(entry));
    apply_metadata(*node, entry);
    return dir->add_entry(name, std::move(node));
}

Result<void> TreeBuilder::add_file(std::string_view path, InodeRef file) {
    std::string_view name;
    DirectoryRef dir = TRY(parent_directory(path, name, 0));
    if (name.empty()) return Errno::EINVAL;
    TRY(remove_if_present(dir, name));
    return dir->add_entry(name, std::move(file));
}

// Puts dir at /name, hiding anything the archive had there.
Result<void> graft(const DirectoryRef& root, std::string_view name, const DirectoryRef& dir) {
    TRY(remove_if_present(root, name));
    return root->add_entry(name, InodeRef(dir));
}

DirectoryRef make_dev(const DirectoryRef& root) {
    RefPtr<FileSystem> fs = make_ref<FileSystem>(kTmpfsMagic, true);
    DirectoryRef dev(new RamDirectory(fs, 0755, root));
    struct Node {
        const char* name;
        CharDeviceKind kind;
    };
    static constexpr Node kNodes[] = {{"null", CharDeviceKind::Null}, {"zero", CharDeviceKind::Zero},
                                      {"full", CharDeviceKind::Full}, {"random", CharDeviceKind::Random},
                                      {"urandom", CharDeviceKind::Urandom}};
    for (const Node& node : kNodes) (void)dev->add_entry(node.name, InodeRef(new CharDevice(fs, node.kind)));
    add_image_disk_files(*dev, fs);
    return dev;
}

// The first component of an absolute path ("tmp" for "/tmp/x").
std::string_view first_component(std::string_view path) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    size_t end = 0;
    while (end < path.size() && path[end] != '/') ++end;
    return path.substr(0, end);
}

// Fills root: the archive, the program, then the mounts over /tmp, /dev and /proc.
Result<void> build_tree(const RefPtr<FileSystem>& root_fs, const DirectoryRef& root, std::span<const uint8_t> cpio_archive,
                        std::string_view program_path, std::span<const uint8_t> program_bytes,
                        const MountOptions& options) {
    TreeBuilder builder(root_fs, root);
    TRY(builder.add_archive(cpio_archive));
    TRY(builder.add_file(program_path, InodeRef(new StaticFile(root_fs, 0755, program_bytes))));
    RefPtr<FileSystem> tmp_fs = make_ref<FileSystem>(kTmpfsMagic, false, options.tmpfs_capacity_bytes);
    TRY(graft(root, "tmp", DirectoryRef(new RamDirectory(tmp_fs, 01777, root))));
    TRY(graft(root, "dev", make_dev(root)));
    TRY(graft(root, "proc", make_proc(root, program_path)));
    return {};
}

}  // namespace

Result<void> mount_root_filesystem(std::span<const uint8_t> cpio_archive, std::string_view program_path,
                                   std::span<const uint8_t> program_bytes, const MountOptions& options) {
    if (program_path.empty() || program_path.front() != '/' || program_path.size() >= kPathMax) return Errno::EINVAL;
    std::string_view top = first_component(program_path);
    if (top.empty() || top == "tmp" || top == "dev" || top == "proc") return Errno::EINVAL;

    RefPtr<FileSystem> root_fs = make_ref<FileSystem>(kRamfsMagic, true);
    DirectoryRef root(new RamDirectory(root_fs, 0755, nullptr));
    Result<void> built = build_tree(root_fs, root, cpio_archive, program_path, program_bytes, options);
    if (!built.ok()) {
        root->detach_tree();  // free the partial tree (parents and children refer to each other)
        return built.error();
    }
    vfs::set_root(std::move(root));
    return {};
}

Result<void> graft_mount(std::string_view path, FunctionRef<Result<DirectoryRef>(DirectoryRef parent)> make_root) {
    DirectoryRef root = vfs::root();
    if (!root || path.empty() || path.front() != '/' || path.size() >= kPathMax) return Errno::EINVAL;
    std::string_view top = first_component(path);
    if (top.empty() || top == "tmp" || top == "dev" || top == "proc") return Errno::EINVAL;
    std::string_view name;
    RefPtr<FileSystem> fs(&root->fs());
    TreeBuilder builder(fs, root);
    DirectoryRef parent = TRY(builder.make_parents(path.substr(1), name));
    if (name.empty()) return Errno::EINVAL;
    // Only the root's own tree may hold the mount point: not a disk or tmpfs mounted earlier.
    if (&parent->fs() != &root->fs()) return Errno::EINVAL;
    DirectoryRef mounted = TRY(make_root(parent));
    TRY(remove_if_present(parent, name));
    return parent->add_entry(name, InodeRef(mounted));
}

Result<void> put_system_file(std::string_view path, std::vector<uint8_t> contents) {
    DirectoryRef root = vfs::root();
    if (!root || path.empty() || path.front() != '/') return Errno::EINVAL;
    RefPtr<FileSystem> fs(&root->fs());
    TreeBuilder builder(fs, root);
    return builder.add_file(path, InodeRef(new StaticFile(fs, 0644, std::move(contents))));
}

}  // namespace ingot
