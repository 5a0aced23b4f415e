#include <ingot/disk_create.h>
#include <ingot/tool_error.h>

#include <fmt/core.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace ingot::tool {
namespace {

// mke2fs from PATH, else the sbin directories a non-root PATH often lacks.
std::string find_mke2fs() {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/sbin:/sbin";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string candidate = path.substr(start, end - start) + "/mke2fs";
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    throw input_error("mke2fs not found (install e2fsprogs)");
}

}  // namespace

std::vector<std::string> mke2fs_arguments(const DiskCreateOptions& options, const std::string& mke2fs) {
    std::vector<std::string> args = {mke2fs, "-q", "-F", "-t", options.type};
    if (options.type == "ext4") args.insert(args.end(), {"-O", kExt4Features});
    // 4 KiB blocks, one per page of the kernel's disk cache, where mke2fs would pick 1 KiB for a
    // disk under 512 MiB: each cached block takes a page, so 1 KiB blocks would cache a quarter
    // as much. Below 8 MiB a journal does not fit in 4 KiB blocks, and mke2fs's choice stays.
    if (options.size_bytes >= kFourKiBBlocksFrom) args.insert(args.end(), {"-b", "4096"});
    // Files belong to root in the guest, whoever made the image.
    args.insert(args.end(), {"-E", "root_owner=0:0"});
    if (options.from_dir) args.insert(args.end(), {"-d", *options.from_dir});
    args.push_back(options.file);
    args.push_back(std::to_string(options.size_bytes / 1024) + "k");
    return args;
}

void run_disk_create(const DiskCreateOptions& options) {
    struct stat st;
    if (!options.force && ::lstat(options.file.c_str(), &st) == 0)
        throw input_error(options.file + ": already exists (use --force to overwrite it)");
    if (options.from_dir && (::stat(options.from_dir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
        throw input_error("--from " + *options.from_dir + ": not a directory");
    std::vector<std::string> args = mke2fs_arguments(options, find_mke2fs());
    // mke2fs keeps an existing file's length when it is larger, and announces a file it has to
    // create: start from an empty file made here.
    int fd = ::open(options.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw input_error(options.file + ": " + std::strerror(errno));
    ::close(fd);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    int spawned = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
    if (spawned != 0) throw input_error("cannot run " + args[0] + ": " + std::strerror(spawned));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ::unlink(options.file.c_str());
        throw input_error("mke2fs could not make " + options.file + " (see its message above)");
    }
}

}  // namespace ingot::tool
