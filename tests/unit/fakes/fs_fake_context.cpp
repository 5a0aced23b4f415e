// Host definition of current_fs() (fs/fs_context.h): one process-wide context that tests
// reset between cases.
#include <fs/fs_context.h>

#include "fakes/fs_test_support.h"

namespace ingot {

FsContext& current_fs() {
    static FsContext* context = new FsContext;
    return *context;
}

namespace fs_test {
void reset_context() { current_fs() = FsContext{}; }
}  // namespace fs_test

}  // namespace ingot
