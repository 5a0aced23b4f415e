// sendfile(2): file to pipe and file to file, with and without an offset pointer, and its
// errors in the order Linux checks them. nginx sends static files with it.
#include <fs/open_flags.h>
#include <linux/sys_fs.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace ingot::fs_test {
namespace {

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

class SendfileTest : public FsTest {
protected:
    std::pair<int, int> make_pipe() {
        uint64_t pair = fake_user_memory::map(8);
        EXPECT_EQ(call(sys_pipe2, {pair, 0}), 0);
        int* fds = reinterpret_cast<int*>(fake_user_memory::host(pair, 8));
        return {fds[0], fds[1]};
    }
    uint64_t user_offset(int64_t value) { return fake_user_memory::map_bytes(&value, sizeof(value)); }
    int64_t offset_at(uint64_t user) {
        int64_t value;
        memcpy(&value, fake_user_memory::host(user, sizeof(value)), sizeof(value));
        return value;
    }
    int64_t seek_position(int fd) { return call(sys_lseek, {u(fd), 0, 1}); }
};

TEST_F(SendfileTest, WithoutOffsetUsesAndAdvancesTheFileOffset) {
    int64_t in = open("/etc/motd", kOpenReadOnly);
    auto [r, w] = make_pipe();
    EXPECT_EQ(call(sys_sendfile, {u(w), u(in), 0, 5}), 5);
    EXPECT_EQ(seek_position(static_cast<int>(in)), 5);
    EXPECT_EQ(call(sys_sendfile, {u(w), u(in), 0, 100}), 7);  // up to the end of the file
    EXPECT_EQ(call(sys_sendfile, {u(w), u(in), 0, 100}), 0);  // at the end
    EXPECT_EQ(call(sys_close, {u(w)}), 0);
    EXPECT_EQ(read_all(r), "hello world\n");
}

TEST_F(SendfileTest, WithOffsetUpdatesItAndLeavesTheFileOffset) {
    int64_t in = open("/data/big", kOpenReadOnly);
    int64_t out = open("/tmp/copy", kOpenCreate | kOpenReadWrite);
    uint64_t offset = user_offset(1000);
    EXPECT_EQ(call(sys_sendfile, {u(out), u(in), offset, 100000}), 8000);  // several chunks' worth asked
    EXPECT_EQ(offset_at(offset), 9000);
    EXPECT_EQ(seek_position(static_cast<int>(in)), 0);
    EXPECT_EQ(file_text("/tmp/copy"), file_text("/data/big").substr(1000));
    EXPECT_EQ(call(sys_sendfile, {u(out), u(in), offset, 0}), 0);
}

TEST_F(SendfileTest, ErrorsComeInLinuxOrder) {
    int64_t in = open("/etc/motd", kOpenReadOnly);
    int64_t out = open("/tmp/out", kOpenCreate | kOpenWriteOnly);
    int64_t appending = open("/tmp/append", kOpenCreate | kOpenWriteOnly | kOpenAppend);
    auto [r, w] = make_pipe();
    EXPECT_EQ(call(sys_sendfile, {u(out), u(in), 0x1000, 1}), -EFAULT);  // unmapped *offset
    EXPECT_EQ(call(sys_sendfile, {u(out), 99, 0, 1}), -EBADF);
    EXPECT_EQ(call(sys_sendfile, {u(out), u(out), 0, 1}), -EBADF);  // input not readable
    EXPECT_EQ(call(sys_sendfile, {u(out), u(r), 0, 1}), -EINVAL);   // a pipe as the input
    EXPECT_EQ(call(sys_sendfile, {u(out), u(in), user_offset(-1), 1}), -EINVAL);
    EXPECT_EQ(call(sys_sendfile, {99, u(in), 0, 1}), -EBADF);
    EXPECT_EQ(call(sys_sendfile, {u(in), u(in), 0, 1}), -EBADF);  // output not writable
    EXPECT_EQ(call(sys_sendfile, {u(appending), u(in), 0, 1}), -EINVAL);
    EXPECT_EQ(seek_position(static_cast<int>(in)), 0);  // nothing moved
}

}  // namespace
}  // namespace ingot::fs_test
