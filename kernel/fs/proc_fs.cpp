#include <fs/fs_context.h>
#include <fs/proc_fs.h>
#include <fs/ram_directory.h>
#include <fs/symlink.h>
#include <fs/vfs.h>
#include <lib/format.h>

#include <utility>

namespace ingot {
namespace {

// Inode numbers of /proc/self/fd/N are this plus N, so they stay the same across lookups.
constexpr uint64_t kFdInodeBase = 1ull << 32;

// A link whose target is computed when read: a descriptor's file, or the working directory.
class ProcLink final : public Inode {
public:
    static constexpr int kWorkingDirectory = -1;

    ProcLink(RefPtr<FileSystem> fs, int fd, uint32_t permissions)
        : Inode(InodeType::Symlink, std::move(fs), permissions), fd_(fd) {}

    Result<OwnedString> read_link() const override {
        if (fd_ == kWorkingDirectory) return vfs::absolute_path(current_working_directory());
        OpenFileRef file = TRY(current_fs().fds.get(fd_));
        return file->describe();
    }
    InodeStat stat() const override {
        InodeStat st = Inode::stat();
        if (fd_ != kWorkingDirectory) st.inode_number = kFdInodeBase + static_cast<uint64_t>(fd_);
        return st;
    }

private:
    int fd_;
};

// Parses a descriptor number written in canonical decimal ("0", "17"; not "017" or "+1").
bool parse_fd(std::string_view name, int& fd) {
    if (name.empty() || name.size() > 9 || (name.size() > 1 && name[0] == '0')) return false;
    int value = 0;
    for (char c : name) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    fd = value;
    return true;
}

// /proc/self/fd: one entry per open descriptor of the running process, made up on demand.
class ProcFdDirectory final : public Directory {
public:
    ProcFdDirectory(RefPtr<FileSystem> fs, DirectoryRef parent) : Directory(std::move(fs), 0500, std::move(parent)) {}

    Result<InodeRef> lookup(std::string_view name) override {
        int fd = 0;
        if (!parse_fd(name, fd) || !current_fs().fds.is_open(fd)) return Errno::ENOENT;
        return InodeRef(new ProcLink(RefPtr<FileSystem>(&fs()), fd, 0700));
    }
    bool is_empty() const override { return current_fs().fds.open_count() == 0; }

protected:
    bool next_child(uint64_t cookie, DirEntry& out) override {
        if (cookie - kFirstChildCookie > 0x7fffffff) return false;
        int fd = current_fs().fds.next_open(static_cast<int>(cookie - kFirstChildCookie));
        if (fd < 0) return false;
        size_t len = format_to(out.name_storage, sizeof(out.name_storage), "%d", fd);
        out.name = std::string_view(out.name_storage, len);
        out.inode_number = kFdInodeBase + static_cast<uint64_t>(fd);
        out.type = dirent_type_for_mode(kModeSymlink);
        out.cookie = kFirstChildCookie + static_cast<uint64_t>(fd);
        return true;
    }
};

}  // namespace

DirectoryRef make_proc(const DirectoryRef& parent, std::string_view program_path) {
    RefPtr<FileSystem> fs = make_ref<FileSystem>(kProcMagic, true);
    DirectoryRef proc(new RamDirectory(fs, 0555, parent));
    DirectoryRef self(new RamDirectory(fs, 0555, proc));
    (void)proc->add_entry("self", InodeRef(self));
    (void)self->add_entry("exe", InodeRef(new Symlink(fs, program_path)));
    (void)self->add_entry("cwd", InodeRef(new ProcLink(fs, ProcLink::kWorkingDirectory, 0777)));
    (void)self->add_entry("fd", InodeRef(new ProcFdDirectory(fs, self)));
    return proc;
}

}  // namespace ingot
