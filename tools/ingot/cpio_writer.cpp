#include <ingot/cpio_writer.h>

#include <ingot/file_io.h>
#include <ingot/tool_error.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>

namespace ingot::tool {

namespace {

// cpio(5): "c_mode ... file type and access permissions" use the S_IF* values of <sys/stat.h>.
constexpr uint32_t kTypeDirectory = 0040000;
constexpr uint32_t kTypeRegular = 0100000;
constexpr uint32_t kTypeSymlink = 0120000;
constexpr uint32_t kPermissionBits = 07777;

constexpr std::string_view kTrailerName = "TRAILER!!!";

uint32_t clamp_time(int64_t seconds) {
    if (seconds < 0) return 0;
    if (seconds > std::numeric_limits<uint32_t>::max()) return std::numeric_limits<uint32_t>::max();
    return static_cast<uint32_t>(seconds);
}

}  // namespace

void CpioWriter::pad_to_4() {
    while (archive_.size() % 4 != 0) archive_.push_back(0);
}

// cpio(5) newc: "070701", then 13 eight-digit hex fields (ino, mode, uid, gid, nlink, mtime,
// filesize, devmajor, devminor, rdevmajor, rdevminor, namesize including the NUL, check), the
// name and its NUL padded to a multiple of four, then the data padded to a multiple of four.
void CpioWriter::add_entry(std::string_view path, uint32_t mode, uint32_t nlink, uint32_t mtime,
                           std::span<const uint8_t> data) {
    if (data.size() > std::numeric_limits<uint32_t>::max())
        throw input_error(std::string(path) + ": larger than 4 GiB, which cpio newc cannot hold");
    uint32_t inode = path == kTrailerName ? 0 : next_inode_++;
    uint32_t fields[13] = {inode, mode, 0, 0, nlink, mtime, static_cast<uint32_t>(data.size()),
                           0, 0, 0, 0, static_cast<uint32_t>(path.size() + 1), 0};
    char header[6 + 13 * 8 + 1];
    int n = std::snprintf(header, sizeof header, "070701");
    for (uint32_t field : fields) n += std::snprintf(header + n, sizeof header - n, "%08X", field);
    archive_.insert(archive_.end(), header, header + n);
    archive_.insert(archive_.end(), path.begin(), path.end());
    archive_.push_back(0);
    pad_to_4();
    archive_.insert(archive_.end(), data.begin(), data.end());
    pad_to_4();
}

void CpioWriter::add_directory(std::string_view path, uint32_t mode, uint32_t mtime) {
    add_entry(path, kTypeDirectory | (mode & kPermissionBits), 2, mtime, {});
}

void CpioWriter::add_file(std::string_view path, uint32_t mode, uint32_t mtime,
                          std::span<const uint8_t> data) {
    add_entry(path, kTypeRegular | (mode & kPermissionBits), 1, mtime, data);
}

void CpioWriter::add_symlink(std::string_view path, std::string_view target, uint32_t mtime) {
    // A symlink's data is its target, without a NUL (as GNU cpio and the kernel's initramfs use).
    std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(target.data()), target.size());
    add_entry(path, kTypeSymlink | 0777, 1, mtime, data);
}

std::vector<uint8_t> CpioWriter::finish() {
    add_entry(kTrailerName, 0, 1, 0, {});
    next_inode_ = 1;
    return std::move(archive_);
}

namespace {

// Names in `dir`, sorted, without "." and "..".
std::vector<std::string> sorted_entries(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) throw input_error(dir + ": " + error_text(errno));
    std::vector<std::string> names;
    errno = 0;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    int error = errno;
    ::closedir(d);
    if (error != 0) throw input_error(dir + ": " + error_text(error));
    std::sort(names.begin(), names.end());
    return names;
}

std::string read_link(const std::string& path) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) throw input_error(path + ": " + error_text(errno));
    target.resize(static_cast<size_t>(n));
    return target;
}

void pack_directory(CpioWriter& writer, const std::string& host_dir, const std::string& archive_dir) {
    for (const std::string& name : sorted_entries(host_dir)) {
        std::string host_path = host_dir + "/" + name;
        std::string archive_path = archive_dir.empty() ? name : archive_dir + "/" + name;
        struct stat st {};
        if (::lstat(host_path.c_str(), &st) != 0) throw input_error(host_path + ": " + error_text(errno));
        uint32_t mtime = clamp_time(st.st_mtime);
        if (S_ISDIR(st.st_mode)) {
            writer.add_directory(archive_path, st.st_mode, mtime);
            pack_directory(writer, host_path, archive_path);
        } else if (S_ISREG(st.st_mode)) {
            writer.add_file(archive_path, st.st_mode, mtime, read_file(host_path));
        } else if (S_ISLNK(st.st_mode)) {
            writer.add_symlink(archive_path, read_link(host_path), mtime);
        } else {
            throw input_error(host_path +
                              ": unsupported file type (only directories, regular files and symbolic links)");
        }
    }
}

}  // namespace

std::vector<uint8_t> pack_directory_tree(const std::string& root) {
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) throw input_error(root + ": " + error_text(errno));
    if (!S_ISDIR(st.st_mode)) throw input_error(root + ": " + error_text(ENOTDIR));
    CpioWriter writer;
    pack_directory(writer, root, "");
    return writer.finish();
}

}  // namespace ingot::tool
