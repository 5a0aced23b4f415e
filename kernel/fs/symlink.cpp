#include <fs/symlink.h>

#include <utility>

namespace ingot {

Symlink::Symlink(RefPtr<FileSystem> fs, std::string_view target)
    : Inode(InodeType::Symlink, std::move(fs), 0777), target_(target) {}

}  // namespace ingot
