// Path resolution and the tree built from the archive (path_resolution(7), cpio(5)).
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <fs/vfs.h>
#include <linux/sys_fs.h>

#include "fakes/fs_test_support.h"

// <cerrno> defines the E* names as macros: tests compare against -EFOO (what rax holds) and
// spell enumerators Errno{EFOO}.
#include <cerrno>
#include <string>

namespace ingot::fs_test {
namespace {

using PathTest = FsTest;

int64_t lookup_error(std::string_view path, bool follow = true) {
    Result<ResolvedPath> r = vfs::lookup(current_working_directory(), path, follow);
    return r.ok() ? 0 : -static_cast<int64_t>(r.error());
}

TEST_F(PathTest, AbsoluteRelativeDotsAndRepeatedSlashes) {
    EXPECT_EQ(file_text("/etc/hostname"), "ingot\n");
    EXPECT_EQ(file_text("etc/hostname"), "ingot\n");
    EXPECT_EQ(file_text("//etc///hostname"), "ingot\n");
    EXPECT_EQ(file_text("/./etc/./hostname"), "ingot\n");
    EXPECT_EQ(file_text("/etc/../etc/hostname"), "ingot\n");
    // ".." at the root stays at the root.
    EXPECT_EQ(file_text("/../../etc/hostname"), "ingot\n");
    EXPECT_EQ(file_text("/bin/../data/../etc/hostname"), "ingot\n");
}

TEST_F(PathTest, MissingAndNonDirectoryComponents) {
    EXPECT_EQ(lookup_error("/nope"), -ENOENT);
    EXPECT_EQ(lookup_error("/etc/nope"), -ENOENT);
    EXPECT_EQ(lookup_error("/nope/x"), -ENOENT);
    EXPECT_EQ(lookup_error("/etc/hostname/x"), -ENOTDIR);
    EXPECT_EQ(lookup_error("/etc/hostname/"), -ENOTDIR);
    EXPECT_EQ(lookup_error("/etc/hostname/."), -ENOTDIR);
    EXPECT_EQ(lookup_error("/etc/"), 0);
    EXPECT_EQ(lookup_error(""), -ENOENT);
}

TEST_F(PathTest, NameAndPathLengthLimits) {
    std::string long_name(256, 'a');
    EXPECT_EQ(lookup_error("/" + long_name), -ENAMETOOLONG);
    EXPECT_EQ(lookup_error("/" + std::string(255, 'a')), -ENOENT);
    // A path argument must fit in PATH_MAX bytes with its NUL.
    std::string long_path;
    while (long_path.size() < 4096) long_path += "/etc";
    EXPECT_EQ(open(long_path.substr(0, 4096), kOpenReadOnly), -ENAMETOOLONG);
    std::string fits = "/" + std::string(4093, '/') + "etc";  // 4097 bytes → too long as well
    EXPECT_EQ(open(fits, kOpenReadOnly), -ENAMETOOLONG);
    std::string just = std::string(4091, '/') + "etc";  // 4094 bytes + NUL fits
    EXPECT_GE(open(just, kOpenReadOnly), 0);
}

TEST_F(PathTest, SymlinksRelativeAbsoluteAndInTheMiddle) {
    EXPECT_EQ(file_text("/link-to-motd"), "hello world\n");
    EXPECT_EQ(file_text("/abs-link/hostname"), "ingot\n");
    EXPECT_EQ(file_text("/abs-link/../etc/motd"), "hello world\n");
    EXPECT_EQ(lookup_error("/dangling"), -ENOENT);
    EXPECT_EQ(lookup_error("/dangling", false), 0);
    // A trailing slash follows the link even without follow.
    EXPECT_EQ(lookup_error("/abs-link/", false), 0);
}

TEST_F(PathTest, SymlinkLoopsGiveEloop) {
    EXPECT_EQ(lookup_error("/loop1"), -ELOOP);
    EXPECT_EQ(lookup_error("/loop1/x"), -ELOOP);
    EXPECT_EQ(open("/loop2", kOpenReadOnly), -ELOOP);
    EXPECT_EQ(lookup_error("/loop1", false), 0);
}

TEST_F(PathTest, FortySymlinksAreFollowedButNotFortyOne) {
    CpioBuilder archive;
    archive.file("target", "end");
    // link0 -> target, linkN -> link(N-1): opening linkN follows N+1 links.
    archive.symlink("link0", "target");
    for (int i = 1; i <= 40; ++i) archive.symlink("link" + std::to_string(i), "link" + std::to_string(i - 1));
    mount(archive.finish());
    EXPECT_EQ(file_text("/link39"), "end");
    EXPECT_EQ(open("/link40", kOpenReadOnly), -ELOOP);
}

TEST_F(PathTest, NoFollowRefusesAFinalSymlink) {
    EXPECT_EQ(open("/link-to-motd", kOpenReadOnly | kOpenNoFollow), -ELOOP);
    // Links in the middle of the path are still followed.
    EXPECT_GE(open("/abs-link/motd", kOpenReadOnly | kOpenNoFollow), 0);
    // O_PATH | O_NOFOLLOW opens the link itself.
    int64_t fd = open("/link-to-motd", kOpenPath | kOpenNoFollow);
    ASSERT_GE(fd, 0);
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_readlinkat, {static_cast<uint64_t>(fd), user_string(""), buffer, 64}), 8);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 8)), 8), "etc/motd");
}

TEST_F(PathTest, ProcSelfExeNamesTheProgram) {
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_readlink, {user_string("/proc/self/exe"), buffer, 64}), 6);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 6)), 6), "/hello");
    // The program can open its own binary through the link.
    EXPECT_EQ(file_text("/proc/self/exe"), std::string(kProgramBytes));
    EXPECT_EQ(file_text("/hello"), std::string(kProgramBytes));
}

TEST_F(PathTest, ProcSelfFdNamesOpenFiles) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    ASSERT_EQ(fd, 3);
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_readlink, {user_string("/proc/self/fd/3"), buffer, 64}), 9);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 9)), 9), "/etc/motd");
    int64_t n = call(sys_readlink, {user_string("/proc/self/fd/1"), buffer, 64});
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 5)), 5), "pipe:");
    EXPECT_EQ(call(sys_readlink, {user_string("/proc/self/fd/4"), buffer, 64}), -ENOENT);
    EXPECT_EQ(call(sys_readlink, {user_string("/proc/self/fd/03"), buffer, 64}), -ENOENT);
    EXPECT_EQ(file_text("/proc/self/fd/3"), "hello world\n");
    // A deleted tmpfs file is shown as such (proc(5)).
    int64_t tmp = open("/tmp/gone", kOpenCreate | kOpenReadWrite);
    ASSERT_EQ(tmp, 4);
    ASSERT_EQ(call(sys_unlink, {user_string("/tmp/gone")}), 0);
    n = call(sys_readlink, {user_string("/proc/self/fd/4"), buffer, 64});
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, n)), n), "/tmp/gone (deleted)");
}

TEST_F(PathTest, ProcSelfCwdFollowsChdir) {
    uint64_t buffer = fake_user_memory::map(64);
    ASSERT_EQ(call(sys_chdir, {user_string("/etc")}), 0);
    EXPECT_EQ(call(sys_readlink, {user_string("/proc/self/cwd"), buffer, 64}), 4);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 4)), 4), "/etc");
    EXPECT_EQ(file_text("/proc/self/cwd/hostname"), "ingot\n");
}

TEST_F(PathTest, ArchiveImpliesMissingParentsAndKeepsHardLinks) {
    mount(CpioBuilder()
              .file("a/b/c/deep", "deep")
              .entry("x/first", 0100644, "", 2, 7)       // hard link: no data yet
              .entry("x/second", 0100644, "shared", 2, 7)  // the last link carries the data
              .entry("dev-node", 0020644, "")            // special files are skipped
              .finish());
    EXPECT_EQ(file_text("/a/b/c/deep"), "deep");
    EXPECT_EQ(file_text("/x/first"), "shared");
    EXPECT_EQ(file_text("/x/second"), "shared");
    EXPECT_EQ(lookup_error("/dev-node"), -ENOENT);
    Result<ResolvedPath> first = vfs::lookup(nullptr, "/x/first", true);
    Result<ResolvedPath> second = vfs::lookup(nullptr, "/x/second", true);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first.value().inode, second.value().inode);
    EXPECT_EQ(first.value().inode->stat().link_count, 2u);
    // Implied directories are 0755 directories.
    EXPECT_EQ(vfs::lookup(nullptr, "/a/b", true).value().inode->mode(), 040755u);
}

TEST_F(PathTest, ArchiveMayNotPutAFileWhereADirectoryIsNeeded) {
    std::vector<uint8_t> bad = CpioBuilder().file("a", "file").file("a/b", "x").finish();
    static std::vector<uint8_t> kept;
    kept = bad;
    auto program = std::span<const uint8_t>();
    EXPECT_EQ(mount_root_filesystem(kept, "/p", program).error(), Errno{ENOTDIR});
}

TEST_F(PathTest, MalformedArchivesAndProgramPathsAreRejected) {
    static std::vector<uint8_t> garbage = {'0', '7', '0', '7', '0', '1', 'z'};
    EXPECT_EQ(mount_root_filesystem(garbage, "/p", {}).error(), Errno{EINVAL});
    static std::vector<uint8_t> no_trailer;
    no_trailer = CpioBuilder().file("a", "x").finish();
    no_trailer.resize(no_trailer.size() - 124);  // cut the trailer off
    EXPECT_EQ(mount_root_filesystem(no_trailer, "/p", {}).error(), Errno{EINVAL});
    EXPECT_EQ(mount_root_filesystem({}, "relative", {}).error(), Errno{EINVAL});
    EXPECT_EQ(mount_root_filesystem({}, "", {}).error(), Errno{EINVAL});
    EXPECT_EQ(mount_root_filesystem({}, "/tmp/p", {}).error(), Errno{EINVAL});
    EXPECT_EQ(mount_root_filesystem({}, "/", {}).error(), Errno{EINVAL});
    // The tree that was mounted before is still there.
    EXPECT_EQ(file_text("/etc/hostname"), "ingot\n");
}

TEST_F(PathTest, EmptyArchiveStillHasProgramTmpDevAndProc) {
    static std::vector<uint8_t> empty;
    static const uint8_t program[] = {1, 2, 3};
    ASSERT_TRUE(mount_root_filesystem(empty, "/usr/bin/app", program).ok());
    EXPECT_EQ(file_text("/usr/bin/app"), std::string("\1\2\3"));
    EXPECT_EQ(lookup_error("/tmp"), 0);
    EXPECT_EQ(lookup_error("/dev/null"), 0);
    EXPECT_EQ(lookup_error("/proc/self/exe", false), 0);
    EXPECT_EQ(lookup_error("/etc"), -ENOENT);
}

TEST_F(PathTest, MountsHideWhatTheArchiveHadThere) {
    mount(CpioBuilder().file("tmp/old", "archived").file("dev/sda", "disk").finish());
    EXPECT_EQ(lookup_error("/tmp/old"), -ENOENT);
    EXPECT_EQ(lookup_error("/dev/sda"), -ENOENT);
    EXPECT_EQ(lookup_error("/dev/zero"), 0);
    // The program replaces whatever the archive had at its path, a directory included.
    mount(CpioBuilder().file("app/inner", "x").finish(), "/app");
    EXPECT_EQ(file_text("/app"), std::string(kProgramBytes));
}

TEST_F(PathTest, DotDotLeavesMountedTmpfs) {
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/d"), 0755}), 0);
    ASSERT_EQ(call(sys_chdir, {user_string("/tmp/d")}), 0);
    EXPECT_EQ(file_text("../../etc/hostname"), "ingot\n");
}

}  // namespace
}  // namespace ingot::fs_test
