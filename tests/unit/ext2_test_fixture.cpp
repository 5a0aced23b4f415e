#include "ext2_test_fixture.h"

#include <fs/disk_mount.h>
#include <fs/open_flags.h>

namespace ingot::ext2_test {

void Ext2Test::TearDown() {
    unmount_all_disks();
    FsTest::TearDown();
}

bool Ext2Test::make_and_mount(const std::string& type, const std::string& options, unsigned size_kib,
                              const std::string& fill, bool read_only) {
    std::vector<uint8_t> bytes = make_image(image_path(), type, options, size_kib, fill);
    if (bytes.empty()) return false;
    device_ = std::make_unique<MemoryBlockDevice>(std::move(bytes));
    return mount_device(read_only).ok();
}

Result<void> Ext2Test::mount_device(bool read_only) { return mount_disk(*device_, "/mnt", read_only); }

void Ext2Test::unmount_and_save() {
    unmount_all_disks();
    ASSERT_TRUE(device_->save(image_path()));
}

void Ext2Test::expect_fsck_clean() {
    unmount_and_save();
    CommandResult checked = fsck(image_path());
    EXPECT_EQ(checked.status, 0) << checked.output;
}

InodeRef Ext2Test::inode_at(const std::string& path) {
    Result<ResolvedPath> found = vfs::lookup(vfs::root(), path, true);
    return found.ok() ? found.value().inode : InodeRef();
}

std::string Ext2Test::read_text(const std::string& path) {
    Result<ResolvedPath> found = vfs::lookup(vfs::root(), path, true);
    if (!found.ok()) return "<errno " + std::to_string(static_cast<int>(found.error())) + ">";
    InodeRef inode = found.value().inode;
    std::string text(inode->size(), '\0');
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
    Result<size_t> got = inode->read_at(0, dst);
    if (!got.ok()) return "<errno " + std::to_string(static_cast<int>(got.error())) + ">";
    text.resize(got.value());
    return text;
}

Result<void> Ext2Test::write_text(const std::string& path, const std::string& text, uint64_t offset, bool truncate) {
    uint32_t flags = kOpenCreate | kOpenReadWrite | (truncate ? kOpenTruncate : 0);
    OpenFileRef file = TRY(vfs::open(vfs::root(), path, flags, 0644));
    IoBuffer src = IoBuffer::kernel_source(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    size_t written = TRY(file->inode()->write_at(offset, src));
    if (written != text.size()) return Errno{EIO};
    return {};
}

}  // namespace ingot::ext2_test
