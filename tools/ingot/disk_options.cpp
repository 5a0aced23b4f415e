#include <ingot/disk_options.h>
#include <ingot/tool_error.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ingot::tool {
namespace {

// Removes a trailing ":ro"; returns whether there was one.
bool strip_read_only(std::string& value) {
    if (value.size() < 3 || value.compare(value.size() - 3, 3, ":ro") != 0) return false;
    value.resize(value.size() - 3);
    return true;
}

void check_mount_path(const std::string& option, const std::string& path) {
    if (path.empty() || path[0] != '/' || path.find_first_not_of('/') == std::string::npos)
        throw usage_error(option + ": the mount path '" + path + "' must be an absolute path other than /");
    if (path.find('\0') != std::string::npos) throw usage_error(option + ": the mount path contains a NUL byte");
}

std::string mount_option(size_t disk, bool read_only, const std::string& path) {
    return "mount." + std::to_string(disk) + "=" + (read_only ? "ro:" : "rw:") + path;
}

// QEMU's option syntax doubles a comma inside a value.
std::string escape_commas(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

}  // namespace

DiskOptions parse_disk_options(const std::vector<std::string>& disks, const std::vector<std::string>& volumes) {
    DiskOptions parsed;
    for (std::string value : disks) {
        bool read_only = strip_read_only(value);
        if (value.empty()) throw usage_error("--disk: expected FILE or FILE:ro");
        parsed.disks.push_back({value, read_only});
    }
    for (std::string value : volumes) {
        bool read_only = strip_read_only(value);
        size_t colon = value.find(":/");
        if (colon == std::string::npos || colon == 0)
            throw usage_error("--volume: '" + value + "' is not of the form FILE:/PATH[:ro]");
        std::string path = value.substr(colon + 1);
        check_mount_path("--volume", path);
        parsed.kernel_options.push_back(mount_option(parsed.disks.size(), read_only, path));
        parsed.disks.push_back({value.substr(0, colon), read_only});
    }
    if (parsed.disks.size() > kMaxGuestDisks)
        throw usage_error("too many disks (" + std::to_string(parsed.disks.size()) + "; at most " +
                          std::to_string(kMaxGuestDisks) + ")");
    return parsed;
}

std::vector<std::string> parse_build_volumes(const std::vector<std::string>& volumes) {
    std::vector<std::string> options;
    for (std::string value : volumes) {
        bool read_only = strip_read_only(value);
        if (value.empty() || value[0] != '/')
            throw usage_error("--volume: '" + value + "': ingot build takes only the mount path (/PATH[:ro]); "
                              "give the disk file at run time with --disk");
        check_mount_path("--volume", value);
        options.push_back(mount_option(options.size(), read_only, value));
    }
    if (options.size() > kMaxGuestDisks) throw usage_error("--volume: more than 26 disks");
    return options;
}

void check_disk_files(const std::vector<DiskAttachment>& disks) {
    for (const DiskAttachment& disk : disks) {
        struct stat st;
        if (::stat(disk.file.c_str(), &st) != 0)
            throw input_error("disk " + disk.file + ": " + std::strerror(errno));
        if (S_ISDIR(st.st_mode)) throw input_error("disk " + disk.file + ": is a directory");
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
            throw input_error("disk " + disk.file + ": not a regular file or block device");
        if (::access(disk.file.c_str(), disk.read_only ? R_OK : R_OK | W_OK) != 0)
            throw input_error("disk " + disk.file + ": " + std::strerror(errno) +
                              (disk.read_only ? "" : " (add :ro to attach it read-only)"));
    }
}

std::vector<std::string> qemu_disk_arguments(const std::vector<DiskAttachment>& disks, const std::string& machine) {
    std::vector<std::string> args;
    if (disks.empty()) return args;
    // QEMU 7.2 makes virtio-mmio devices legacy unless told otherwise; the kernel drives only
    // modern (version 2) devices.
    if (machine == "microvm") args.insert(args.end(), {"-global", "virtio-mmio.force-legacy=false"});
    const char* device = machine == "microvm" ? "virtio-blk-device" : "virtio-blk-pci";
    for (size_t i = 0; i < disks.size(); ++i) {
        std::string id = "disk" + std::to_string(i);
        // cache=writeback: writes may sit in the host's page cache, and the guest's flush
        // (VIRTIO_BLK_F_FLUSH, offered because the cache is writeback) makes QEMU fdatasync
        // the file, so what the guest synced survives a host crash and runs stay fast.
        // discard=unmap: what the guest discards becomes a hole in the file.
        std::string drive = "file=" + escape_commas(disks[i].file) + ",if=none,id=" + id +
                            ",format=raw,cache=writeback" + (disks[i].read_only ? ",readonly=on" : ",discard=unmap");
        args.insert(args.end(), {"-drive", drive, "-device", std::string(device) + ",drive=" + id});
    }
    return args;
}

}  // namespace ingot::tool
