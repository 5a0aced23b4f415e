// The program's descriptor table and working directory (fs/fs_context.h). Kept apart from
// process.cpp so host tests can supply their own context.
#include <fs/fs_context.h>

namespace ingot {
namespace {
FsContext the_fs_context;
}

FsContext& current_fs() { return the_fs_context; }

}  // namespace ingot
