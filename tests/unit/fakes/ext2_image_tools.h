// Host-side e2fsprogs for ext2 tests: images made by mke2fs (optionally filled from a
// directory), checked by e2fsck -fn, inspected with debugfs, all in a scratch directory.
#pragma once

#include <string>
#include <vector>

namespace ingot::ext2_test {

// A fresh scratch directory under the system temporary directory, removed by the destructor.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    const std::string& path() const { return path_; }
    // path()/name, after creating its parent directories.
    std::string file(const std::string& name) const;
    // Writes text to path()/name.
    void write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

struct CommandResult {
    int status = -1;
    std::string output;
};

// Runs a shell command, capturing stdout (and stderr with it when with_stderr).
CommandResult run_command(const std::string& command, bool with_stderr = true);

// mke2fs -q -F -t type options -d fill_dir image size_kib; returns the image bytes (empty on
// failure). fill_dir may be empty.
std::vector<uint8_t> make_image(const std::string& image_path, const std::string& type, const std::string& options,
                                unsigned size_kib, const std::string& fill_dir = "");

// e2fsck -fn on the image file; status 0 means clean.
CommandResult fsck(const std::string& image_path);
// debugfs -R request on the image file.
CommandResult debugfs(const std::string& image_path, const std::string& request);

}  // namespace ingot::ext2_test
