// A symbolic link (symlink(7)): its target text, stored as given and resolved only when a
// path walks through it.
#pragma once

#include <fs/inode.h>
#include <fs/owned_string.h>

#include <string_view>

namespace ingot {

class Symlink final : public Inode {
public:
    // symlink(7): the permissions of a link are unused and always reported as 0777.
    Symlink(RefPtr<FileSystem> fs, std::string_view target);

    uint64_t size() const override { return target_.size(); }
    Result<OwnedString> read_link() const override { return target_; }

private:
    OwnedString target_;
};

}  // namespace ingot
