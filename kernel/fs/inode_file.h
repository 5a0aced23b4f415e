// An open file, directory, device or O_PATH handle: an inode plus where it was found (the
// directory and name), so /proc/self/fd/N can name it even after renames of its ancestors.
#pragma once

#include <fs/directory.h>
#include <fs/open_file.h>
#include <fs/owned_string.h>

#include <string_view>

namespace ingot {

class InodeFile final : public OpenFile {
public:
    // parent/name: where the inode was reached (parent null for directories and for files
    // that have no name, like O_TMPFILE ones).
    InodeFile(InodeRef inode, uint32_t flags, DirectoryRef parent, std::string_view name);

    using OpenFile::read_at;
    Result<size_t> read(IoBuffer& dst) override;
    Result<size_t> write(IoBuffer& src) override;
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    Result<int64_t> seek(int64_t offset, int whence) override;
    InodeStat stat() const override { return inode_->stat(); }
    InodeRef inode() const override { return inode_; }
    Result<int> bytes_readable() const override;
    uint32_t poll_events() const override;
    OwnedString describe() const override;

private:
    InodeRef inode_;
    DirectoryRef parent_;
    OwnedString name_;
};

}  // namespace ingot
