// Helpers for file-system tests: a small cpio newc writer, a fixture that mounts a root and
// resets the process's descriptors, and shorthands to call system-call handlers with user
// pointers from the fake address space (fakes/fake_user_memory.h).
#pragma once

#include <fs/root_filesystem.h>
#include <linux/syscall.h>

#include "fakes/fake_console.h"
#include "fakes/fake_user_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::fs_test {

// Builds a cpio(5) newc archive entry by entry.
class CpioBuilder {
public:
    CpioBuilder& directory(std::string_view name, uint32_t permissions = 0755, uint32_t mtime = 1700000000);
    CpioBuilder& file(std::string_view name, std::string_view data, uint32_t permissions = 0644, uint32_t mtime = 1700000000);
    CpioBuilder& symlink(std::string_view name, std::string_view target);
    // Any entry, header fields as given (hard links, device nodes, odd modes).
    CpioBuilder& entry(std::string_view name, uint32_t mode, std::string_view data, uint32_t nlink = 1, uint32_t ino = 0,
                       uint32_t mtime = 1700000000);
    // The archive with its trailer.
    std::vector<uint8_t> finish();

private:
    std::vector<uint8_t> bytes_;
    uint32_t next_ino_ = 100;
};

// Fresh process state: no descriptors, cwd at the root, umask 022.
void reset_context();

// Runs a handler and returns what the program would see in rax: the value, or -errno.
int64_t call(SyscallHandler handler, std::initializer_list<uint64_t> args);

// A user-space copy of text (NUL-terminated).
uint64_t user_string(std::string_view text);

// The program bytes the fixture mounts at /hello.
inline constexpr std::string_view kProgramBytes = "\x7f" "ELF-program-bytes";

// Mounts a small root and opens the standard streams.
//   /etc/hostname "ingot\n", /etc/motd "hello world\n" (mtime 1600000000, mode 0600)
//   /bin/ (empty), /data/big (9000 bytes, pattern), /link-to-motd -> etc/motd,
//   /abs-link -> /etc, /loop1 -> loop2, /loop2 -> loop1, /dangling -> nowhere, /hello (program)
class FsTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Remounts with another archive (standard streams stay as they are).
    void mount(const std::vector<uint8_t>& archive, std::string_view program_path = "/hello");

    // open(path, flags, mode) → fd or -errno.
    int64_t open(std::string_view path, uint64_t flags, uint64_t mode = 0644);
    // Reads everything from fd until end of file (in chunks of `chunk`).
    std::string read_all(int fd, size_t chunk = 4096);
    // write(fd, text) → count or -errno.
    int64_t write(int fd, std::string_view text);
    // The whole content of a file by path, or "<errno N>".
    std::string file_text(std::string_view path);
};

}  // namespace ingot::fs_test
