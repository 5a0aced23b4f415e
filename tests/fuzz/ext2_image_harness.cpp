#include "ext2_image_harness.h"

#include <fs/ext2/ext2_file_system.h>
#include <fs/io_buffer.h>

#include "fakes/memory_block_device.h"

#include <string>
#include <vector>

namespace ingot::fuzz {
namespace {

// Bounds on the walk, so that a hostile image cannot make one input run for long.
constexpr int kMaxDepth = 4;
constexpr int kMaxEntriesPerDirectory = 64;
constexpr size_t kMaxReadBytes = 64 * 1024;

void read_inode(const InodeRef& inode) {
    if (inode->is_symlink()) {
        (void)inode->read_link();
        return;
    }
    if (!inode->is_regular()) return;
    std::vector<uint8_t> buffer(inode->size() < kMaxReadBytes ? inode->size() : kMaxReadBytes);
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(buffer.data(), buffer.size()));
    (void)inode->read_at(0, dst);
    if (inode->size() > kMaxReadBytes) {
        IoBuffer tail = IoBuffer::kernel(std::span<uint8_t>(buffer.data(), 512));
        (void)inode->read_at(inode->size() - 512, tail);
    }
}

void walk(const DirectoryRef& dir, int depth) {
    DirEntry entry;
    int seen = 0;
    std::vector<std::string> names;
    for (uint64_t cookie = 0; seen < kMaxEntriesPerDirectory && dir->read_entry(cookie, entry); cookie = entry.cookie + 1) {
        ++seen;
        if (entry.name != "." && entry.name != "..") names.emplace_back(entry.name);
    }
    for (const std::string& name : names) {
        Result<InodeRef> child = dir->lookup(name);
        if (!child.ok()) continue;
        (void)child.value()->stat();
        read_inode(child.value());
        if (child.value()->is_directory() && depth < kMaxDepth) walk(as_directory(child.value()), depth + 1);
    }
}

// The first child of dir (not "." or "..") that wanted accepts, with its name.
template <typename Predicate>
InodeRef find_child(const DirectoryRef& dir, std::string& name, Predicate wanted) {
    DirEntry entry;
    int seen = 0;
    for (uint64_t cookie = 0; seen < kMaxEntriesPerDirectory && dir->read_entry(cookie, entry); cookie = entry.cookie + 1) {
        ++seen;
        if (entry.name == "." || entry.name == ".." || entry.name.starts_with("fuzz-")) continue;
        std::string candidate(entry.name);
        Result<InodeRef> child = dir->lookup(candidate);
        if (!child.ok() || !wanted(child.value())) continue;
        name = std::move(candidate);
        return child.value();
    }
    return {};
}

// True when ancestor is dir or one of dir's ancestors (vfs_namespace.cpp's check).
bool is_ancestor(const Inode& ancestor, DirectoryRef dir) {
    for (; dir; dir = dir->parent())
        if (dir.get() == &ancestor) return true;
    return false;
}

// Writes into, grows and shrinks a file the image already held, so that its (hostile) block
// map or extent tree is extended and cut as well as read.
void rewrite_existing_file(const DirectoryRef& root) {
    static const uint8_t kData[1500] = {7, 7, 7};
    std::string name;
    InodeRef file = find_child(root, name, [](const InodeRef& inode) { return inode->is_regular(); });
    if (!file) return;
    IoBuffer head = IoBuffer::kernel_source(std::span<const uint8_t>(kData, sizeof(kData)));
    (void)file->write_at(0, head);
    IoBuffer tail = IoBuffer::kernel_source(std::span<const uint8_t>(kData, sizeof(kData)));
    (void)file->write_at(file->size() + 5000, tail);
    // fallocate(2) (preallocation, hole punching, ZERO_RANGE) and lseek(2)'s SEEK_DATA and
    // SEEK_HOLE over the image's own map.
    (void)file->allocate(4096, 40000, true);
    (void)file->punch_hole(1000, 30000);
    (void)file->zero_range(8192, 8192, false);
    (void)file->next_data(0);
    (void)file->next_hole(0);
    (void)file->truncate(file->size() / 3);
    (void)file->truncate(20000);
}

// The directory operations the VFS builds rename, link, unlink and rmdir from
// (kernel/fs/vfs_namespace.cpp), applied to entries of the image and to new ones.
void modify(const DirectoryRef& root) {
    static const uint8_t kData[3000] = {1, 2, 3};
    Result<InodeRef> file = root->create_file("fuzz-file", 0644);
    if (file.ok()) {
        IoBuffer src = IoBuffer::kernel_source(std::span<const uint8_t>(kData, sizeof(kData)));
        (void)file.value()->write_at(0, src);
        IoBuffer far = IoBuffer::kernel_source(std::span<const uint8_t>(kData, sizeof(kData)));
        (void)file.value()->write_at(70000, far);
        (void)file.value()->truncate(100);
    }
    rewrite_existing_file(root);
    Result<InodeRef> made = root->create_directory("fuzz-dir", 0755);
    if (!made.ok()) return;
    DirectoryRef dir = as_directory(made.value());
    (void)dir->create_symlink("link", std::string(80, 'l'));
    (void)dir->create_symlink("short", "a");
    // link(2): a second name for the new file.
    if (file.ok() && dir->add_entry("hard", file.value()).ok()) file.value()->add_link();
    // rename(2) of a file and of a directory from the image into the new directory.
    std::string name;
    for (bool directories : {false, true}) {
        // rename(2) EINVAL, as the VFS checks: a directory cannot move below itself (an entry
        // of a hostile image may name the root or an ancestor).
        InodeRef moved = find_child(root, name, [directories, &dir](const InodeRef& inode) {
            return inode->is_directory() == directories && !(directories && is_ancestor(*inode, dir));
        });
        if (!moved || !root->remove_entry(name).ok()) continue;
        if (!dir->add_entry(name, moved).ok()) (void)root->add_entry(name, moved);
    }
    // unlink(2) of the next file of the image, and rmdir(2) of an empty directory.
    InodeRef victim = find_child(root, name, [](const InodeRef& inode) { return !inode->is_directory(); });
    if (victim && root->remove_entry(name).ok()) victim->drop_link();
    InodeRef empty = find_child(root, name, [](const InodeRef& inode) {
        return inode->is_directory() && as_directory(inode)->is_empty();
    });
    if (empty && root->remove_entry(name).ok()) as_directory(empty)->mark_removed();
    // And the new names go again: the file (both links) and the emptied new directory.
    if (file.ok() && root->remove_entry("fuzz-file").ok()) file.value()->drop_link();
    if (file.ok() && dir->remove_entry("hard").ok()) file.value()->drop_link();
}

}  // namespace

bool run_ext2_image(std::span<const uint8_t> image) {
    MemoryBlockDevice device(std::vector<uint8_t>(image.begin(), image.end()));
    Result<RefPtr<ext2::Ext2FileSystem>> mounted = ext2::Ext2FileSystem::mount(device, false);
    if (!mounted.ok()) return false;
    RefPtr<ext2::Ext2FileSystem> fs = mounted.release_value();
    {
        Result<DirectoryRef> root = fs->root(nullptr);
        if (root.ok()) {
            walk(root.value(), 0);
            if (!fs->read_only()) modify(root.value());
            (void)fs->sync();
            (void)fs->trim(0, UINT64_MAX, 0);  // FITRIM over the image's bitmaps
            walk(root.value(), 0);
            root.value()->detach_tree();
        }
    }
    (void)fs->unmount();
    return true;
}

}  // namespace ingot::fuzz
