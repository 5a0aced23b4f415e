// A fixture for ext2/ext4 tests: the standard root (fs_test::FsTest) plus a disk image made by
// mke2fs, mounted at /mnt through mount_disk, and helpers that work through the VFS with
// kernel buffers (so files of any size can be written without user memory).
#pragma once

#include <fs/vfs.h>

#include "fakes/ext2_image_tools.h"
#include "fakes/fs_test_support.h"
#include "fakes/memory_block_device.h"

#include <memory>
#include <string>
#include <vector>

namespace ingot::ext2_test {

class Ext2Test : public fs_test::FsTest {
protected:
    void TearDown() override;

    // Makes an image (see make_image) and mounts it at /mnt; false when mke2fs failed.
    bool make_and_mount(const std::string& type, const std::string& options, unsigned size_kib,
                        const std::string& fill_dir = "", bool read_only = false);
    // mount_disk on the current device at /mnt.
    Result<void> mount_device(bool read_only = false);
    // Unmounts every disk and saves the image to image_path().
    void unmount_and_save();
    // unmount_and_save, then e2fsck -fn; ADD_FAILURE with its output unless clean.
    void expect_fsck_clean();

    std::string image_path() const { return scratch_.file("disk.img"); }
    std::string fill_path(const std::string& name) const { return scratch_.file("fill/" + name); }
    std::string fill_dir() const { return scratch_.path() + "/fill"; }

    // The inode at path (following links), or null.
    InodeRef inode_at(const std::string& path);
    // The whole contents of the file at path; "<errno N>" on failure.
    std::string read_text(const std::string& path);
    // Creates (or truncates) path and writes text at offset; the error, if any.
    Result<void> write_text(const std::string& path, const std::string& text, uint64_t offset = 0, bool truncate = true);

    ScratchDir scratch_;
    std::unique_ptr<MemoryBlockDevice> device_;
};

}  // namespace ingot::ext2_test
