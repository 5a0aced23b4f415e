// Writes cpio archives in the "new ASCII" (newc) format of cpio(5), the format of the guest's
// read-only root file system (kernel/image/format.h) and of Linux initramfs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::tool {

class CpioWriter {
public:
    // Entry paths are relative ("etc/hosts"); a directory must be added before its contents.
    // `mode` holds the permission bits; the file-type bits are set from the kind of entry.
    void add_directory(std::string_view path, uint32_t mode, uint32_t mtime);
    void add_file(std::string_view path, uint32_t mode, uint32_t mtime, std::span<const uint8_t> data);
    void add_symlink(std::string_view path, std::string_view target, uint32_t mtime);

    // Appends the "TRAILER!!!" entry and returns the archive; the writer is empty afterwards.
    std::vector<uint8_t> finish();

private:
    void add_entry(std::string_view path, uint32_t mode, uint32_t nlink, uint32_t mtime,
                   std::span<const uint8_t> data);
    void pad_to_4();

    std::vector<uint8_t> archive_;
    uint32_t next_inode_ = 1;
};

// Packs the tree under `root` (directories, regular files and symbolic links, recursively, in
// name order, symlinks not followed) into a newc archive whose paths are relative to `root`.
// Owners are recorded as root (uid/gid 0): the guest has no other users. Throws input_error
// naming the path for an unreadable entry or an unsupported file type (device, FIFO, socket).
std::vector<uint8_t> pack_directory_tree(const std::string& root);

}  // namespace ingot::tool
