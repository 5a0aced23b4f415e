#include <fs/console_file.h>
#include <fs/fd_table.h>
#include <fs/fs_limits.h>
#include <fs/pipe.h>
#include <lib/format.h>

#include <algorithm>

namespace ingot {

ConsoleFile::ConsoleFile(bool is_input, ConsoleStream stream)
    : OpenFile(is_input ? kOpenReadOnly : kOpenWriteOnly), is_input_(is_input), stream_(stream),
      inode_number_(pipe_filesystem().allocate_inode_number()) {}

Result<size_t> ConsoleFile::read(IoBuffer&) { return size_t{0}; }

Result<size_t> ConsoleFile::write(IoBuffer& src) {
    // Bounce through a small stack buffer: the console driver takes kernel memory.
    char chunk[256];
    size_t done = 0;
    while (done < src.size()) {
        size_t n = std::min(sizeof(chunk), src.size() - done);
        Result<void> copied = src.copy_from_buffer(done, chunk, n);
        if (!copied.ok()) {
            if (done > 0) break;  // write(2): report what was written before the fault
            return copied.error();
        }
        console_write(stream_, chunk, n);
        done += n;
    }
    return done;
}

InodeStat ConsoleFile::stat() const { return pipefs_stat(inode_number_, kModeFifo | 0600); }

uint32_t ConsoleFile::poll_events() const {
    // Input is at end of file: readable, and hung up (no writer will ever come).
    return is_input_ ? (kPollIn | kPollHangUp) : kPollOut;
}

OwnedString ConsoleFile::describe() const {
    char text[40];
    size_t len = format_to(text, sizeof(text), "pipe:[%llu]", static_cast<unsigned long long>(inode_number_));
    return OwnedString(std::string_view(text, len));
}

Result<void> open_standard_streams(FdTable& fds) {
    TRY(fds.install_at(0, OpenFileRef(new ConsoleFile(true, ConsoleStream::Stdout)), false));
    TRY(fds.install_at(1, OpenFileRef(new ConsoleFile(false, ConsoleStream::Stdout)), false));
    TRY(fds.install_at(2, OpenFileRef(new ConsoleFile(false, ConsoleStream::Stderr)), false));
    return {};
}

}  // namespace ingot
