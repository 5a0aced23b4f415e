// /etc/resolv.conf and /etc/hosts: their text, and how the kernel puts such files into the
// read-only root (put_system_file) without disturbing descriptors already open on them.
#include <fs/root_filesystem.h>
#include <net/resolver_files.h>

#include "fakes/fs_test_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <string>

namespace ingot {
namespace {

using net::Ipv4Address;

std::string text(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

TEST(ResolverFiles, ResolvConfListsServersAndSearchDomain) {
    Ipv4Address servers[] = {Ipv4Address::from_octets(10, 0, 2, 3), Ipv4Address::from_octets(1, 1, 1, 1)};
    std::string conf = text(net::resolv_conf_text(servers, "example.org"));
    EXPECT_NE(conf.find("\nnameserver 10.0.2.3\nnameserver 1.1.1.1\nsearch example.org\n"), std::string::npos) << conf;
    std::string bare = text(net::resolv_conf_text({}, {}));
    EXPECT_EQ(bare.find("nameserver"), std::string::npos);
    EXPECT_EQ(bare.find("search"), std::string::npos);
}

TEST(ResolverFiles, HostsNamesLocalhostAndTheMachine) {
    std::string hosts = text(net::hosts_text(Ipv4Address::from_octets(10, 0, 2, 15), "ingot"));
    EXPECT_EQ(hosts.rfind("127.0.0.1\tlocalhost\n", 0), 0u) << hosts;
    EXPECT_NE(hosts.find("\n10.0.2.15\tingot\n"), std::string::npos) << hosts;
    std::string unconfigured = text(net::hosts_text(Ipv4Address::any(), "ingot"));
    EXPECT_EQ(unconfigured.find("ingot"), std::string::npos);
}

class SystemFiles : public fs_test::FsTest {};

TEST_F(SystemFiles, CreatesDirectoriesAndReplacesContents) {
    ASSERT_TRUE(put_system_file("/etc/resolv.conf", {'a', '\n'}).ok());
    EXPECT_EQ(file_text("/etc/resolv.conf"), "a\n");
    EXPECT_EQ(file_text("/etc/hostname"), "ingot\n");  // the archive's files stay
    ASSERT_TRUE(put_system_file("/run/new/dir/file", {'x'}).ok());
    EXPECT_EQ(file_text("/run/new/dir/file"), "x");

    // A descriptor open on the old file keeps reading the old contents, as after rename(2).
    int fd = static_cast<int>(open("/etc/resolv.conf", O_RDONLY));
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(put_system_file("/etc/resolv.conf", {'b', 'b', '\n'}).ok());
    EXPECT_EQ(read_all(fd), "a\n");
    EXPECT_EQ(file_text("/etc/resolv.conf"), "bb\n");

    // Still read-only for the program.
    EXPECT_EQ(open("/etc/resolv.conf", O_WRONLY), -EROFS);
}

TEST_F(SystemFiles, RejectsBadPaths) {
    EXPECT_EQ(put_system_file("etc/hosts", {}).error(), Errno{EINVAL});
    EXPECT_EQ(put_system_file("/", {}).error(), Errno{EINVAL});
    EXPECT_EQ(put_system_file("/etc/hostname/x", {}).error(), Errno{ENOTDIR});
}

}  // namespace
}  // namespace ingot
