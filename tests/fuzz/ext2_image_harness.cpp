#include "ext2_image_harness.h"

#include <fs/ext2/ext2_file_system.h>
#include <fs/io_buffer.h>

#include "fakes/memory_block_device.h"

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

void modify(const DirectoryRef& root) {
    static const uint8_t kData[3000] = {1, 2, 3};
    Result<InodeRef> file = root->create_file("fuzz-file", 0644);
    if (file.ok()) {
        IoBuffer src = IoBuffer::kernel_source(std::span<const uint8_t>(kData, sizeof(kData)));
        (void)file.value()->write_at(0, src);
        (void)file.value()->write_at(70000, src);
        (void)file.value()->truncate(100);
    }
    Result<InodeRef> dir = root->create_directory("fuzz-dir", 0755);
    if (dir.ok()) (void)as_directory(dir.value())->create_symlink("link", std::string(80, 'l'));
    DirEntry entry;
    for (uint64_t cookie = 0; root->read_entry(cookie, entry); cookie = entry.cookie + 1) {
        if (entry.name == "." || entry.name == ".." || entry.name == "fuzz-dir") continue;
        std::string name(entry.name);
        Result<InodeRef> victim = root->lookup(name);
        if (!victim.ok() || victim.value()->is_directory()) continue;
        if (root->remove_entry(name).ok()) victim.value()->drop_link();
        break;
    }
}

}  // namespace

void run_ext2_image(std::span<const uint8_t> image) {
    MemoryBlockDevice device(std::vector<uint8_t>(image.begin(), image.end()));
    Result<RefPtr<ext2::Ext2FileSystem>> mounted = ext2::Ext2FileSystem::mount(device, false);
    if (!mounted.ok()) return;
    RefPtr<ext2::Ext2FileSystem> fs = mounted.release_value();
    {
        Result<DirectoryRef> root = fs->root(nullptr);
        if (root.ok()) {
            walk(root.value(), 0);
            if (!fs->read_only()) modify(root.value());
            (void)fs->sync();
            root.value()->detach_tree();
        }
    }
    (void)fs->unmount();
}

}  // namespace ingot::fuzz
