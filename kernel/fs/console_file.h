// The program's standard streams, set up before it starts as descriptors 0, 1 and 2.
//
// Output (1, 2) goes to console_write (drivers/console.h), which the host sees as the
// program's stdout and stderr. Input (0): the program has no input stream yet, so reads
// return 0 (end of file) at once, as for `prog < /dev/null`.
// The streams behave like the pipes `ingot run` captures them through: fstat reports a FIFO,
// lseek fails with ESPIPE, and terminal ioctls (TCGETS, TIOCGWINSZ) fail with ENOTTY, so a
// C library picks full buffering exactly as in a native run with redirected output.
#pragma once

#include <drivers/console.h>
#include <fs/open_file.h>

#include <cstdint>

namespace ingot {

class FdTable;

class ConsoleFile final : public OpenFile {
public:
    // An output stream, or the input stream when is_input.
    ConsoleFile(bool is_input, ConsoleStream stream);

    Result<size_t> read(IoBuffer& dst) override;
    Result<size_t> write(IoBuffer& src) override;
    InodeStat stat() const override;
    Result<int> bytes_readable() const override { return 0; }
    uint32_t poll_events() const override;
    OwnedString describe() const override;

private:
    bool is_input_;
    ConsoleStream stream_;
    uint64_t inode_number_;
};

// Installs stdin (fd 0, read-only), stdout (1) and stderr (2, write-only) into fds, which must
// have those descriptors free.
Result<void> open_standard_streams(FdTable& fds);

}  // namespace ingot
