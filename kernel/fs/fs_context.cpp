#include <fs/fs_context.h>
#include <fs/vfs.h>

namespace ingot {

Result<OpenFileRef> file_for_fd(int fd) { return current_fs().fds.get(fd); }

DirectoryRef current_working_directory() {
    FsContext& context = current_fs();
    return context.cwd ? context.cwd : vfs::root();
}

}  // namespace ingot
