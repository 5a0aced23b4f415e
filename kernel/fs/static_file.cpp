#include <fs/static_file.h>

#include <utility>

namespace ingot {

StaticFile::StaticFile(RefPtr<FileSystem> fs, uint32_t permissions, std::span<const uint8_t> data)
    : Inode(InodeType::Regular, std::move(fs), permissions), data_(data) {}

StaticFile::StaticFile(RefPtr<FileSystem> fs, uint32_t permissions, std::vector<uint8_t> owned)
    : Inode(InodeType::Regular, std::move(fs), permissions), owned_(std::move(owned)), data_(owned_) {}

Result<size_t> StaticFile::read_at(uint64_t offset, IoBuffer& dst) {
    if (offset >= data_.size()) return size_t{0};
    size_t count = data_.size() - offset;
    if (count > dst.size()) count = dst.size();
    TRY(dst.copy_to_buffer(0, data_.data() + offset, count));
    return count;
}

Result<size_t> StaticFile::write_at(uint64_t, IoBuffer&) { return Errno::EROFS; }

Result<void> StaticFile::truncate(uint64_t) { return Errno::EROFS; }

}  // namespace ingot
