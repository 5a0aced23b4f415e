// CpioWriter and pack_directory_tree(): archives read back by an independent newc parser that
// follows cpio(5) to the letter (magic, 13 hex fields, 4-byte padding after name and data).
#include <ingot/cpio_writer.h>
#include <ingot/tool_error.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
namespace fs = std::filesystem;

struct Entry {
    std::string name;
    uint32_t ino, mode, uid, gid, nlink, mtime, filesize, namesize;
    std::string data;
};

uint32_t hex_field(const std::vector<uint8_t>& a, size_t at) {
    std::string text(a.begin() + static_cast<ptrdiff_t>(at), a.begin() + static_cast<ptrdiff_t>(at + 8));
    for (char c : text) {
        bool upper_hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        EXPECT_TRUE(upper_hex) << "field '" << text << "'";
    }
    return static_cast<uint32_t>(std::stoul(text, nullptr, 16));
}

// Parses a whole archive, up to and including the trailer; fails the test on any deviation.
std::vector<Entry> parse_newc(const std::vector<uint8_t>& a) {
    std::vector<Entry> entries;
    size_t pos = 0;
    while (true) {
        EXPECT_EQ(pos % 4, 0u);
        if (pos + 110 > a.size()) {
            ADD_FAILURE() << "archive ends inside a header at " << pos;
            return entries;
        }
        EXPECT_EQ(std::string(a.begin() + static_cast<ptrdiff_t>(pos), a.begin() + static_cast<ptrdiff_t>(pos + 6)),
                  "070701");
        Entry e{};
        uint32_t f[13];
        for (int i = 0; i < 13; ++i) f[i] = hex_field(a, pos + 6 + 8 * i);
        e.ino = f[0], e.mode = f[1], e.uid = f[2], e.gid = f[3], e.nlink = f[4], e.mtime = f[5];
        e.filesize = f[6], e.namesize = f[11];
        for (int i : {7, 8, 9, 10, 12}) EXPECT_EQ(f[i], 0u) << "dev/rdev/check field " << i;
        size_t name_at = pos + 110;
        EXPECT_LE(name_at + e.namesize, a.size());
        e.name.assign(reinterpret_cast<const char*>(a.data() + name_at), e.namesize - 1);
        EXPECT_EQ(a[name_at + e.namesize - 1], 0) << "name not NUL-terminated";
        size_t data_at = (name_at + e.namesize + 3) & ~size_t{3};
        for (size_t i = name_at + e.namesize; i < data_at; ++i) EXPECT_EQ(a[i], 0) << "name padding";
        EXPECT_LE(data_at + e.filesize, a.size());
        e.data.assign(reinterpret_cast<const char*>(a.data() + data_at), e.filesize);
        pos = (data_at + e.filesize + 3) & ~size_t{3};
        for (size_t i = data_at + e.filesize; i < pos && i < a.size(); ++i) EXPECT_EQ(a[i], 0) << "data padding";
        entries.push_back(e);
        if (e.name == "TRAILER!!!") break;
    }
    EXPECT_EQ(pos, a.size()) << "bytes after the trailer";
    return entries;
}

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(CpioWriter, EmptyArchiveIsJustTheTrailer) {
    CpioWriter w;
    std::vector<Entry> entries = parse_newc(w.finish());
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "TRAILER!!!");
    EXPECT_EQ(entries[0].filesize, 0u);
    EXPECT_EQ(entries[0].namesize, 11u);
}

TEST(CpioWriter, EntriesRoundTrip) {
    CpioWriter w;
    w.add_directory("etc", 040755, 1000);
    w.add_file("etc/hosts", 0100644, 2000, bytes("127.0.0.1 localhost\n"));
    w.add_file("etc/empty", 0600, 3000, {});
    w.add_symlink("etc/link", "hosts", 4000);
    w.add_file("run.sh", 04755, 5, bytes("x"));
    std::vector<Entry> e = parse_newc(w.finish());
    ASSERT_EQ(e.size(), 6u);
    EXPECT_EQ(e[0].name, "etc");
    EXPECT_EQ(e[0].mode, 040755u);
    EXPECT_EQ(e[0].nlink, 2u);
    EXPECT_EQ(e[0].mtime, 1000u);
    EXPECT_EQ(e[1].name, "etc/hosts");
    EXPECT_EQ(e[1].mode, 0100644u);
    EXPECT_EQ(e[1].data, "127.0.0.1 localhost\n");
    EXPECT_EQ(e[1].nlink, 1u);
    EXPECT_EQ(e[2].mode, 0100600u);  // type bits come from the kind of entry
    EXPECT_EQ(e[2].filesize, 0u);
    EXPECT_EQ(e[3].mode, 0120777u);
    EXPECT_EQ(e[3].data, "hosts");
    EXPECT_EQ(e[4].mode, 0104755u);
    for (size_t i = 0; i + 1 < e.size(); ++i) {
        EXPECT_EQ(e[i].uid, 0u);
        EXPECT_EQ(e[i].gid, 0u);
        EXPECT_EQ(e[i].ino, i + 1) << "inode numbers are unique";
    }
    EXPECT_EQ(e.back().ino, 0u);
}

TEST(CpioWriter, PaddingForEveryNameAndDataLength) {
    CpioWriter w;
    std::vector<std::pair<std::string, std::string>> files;
    for (size_t name_len = 1; name_len <= 8; ++name_len)
        for (size_t data_len = 0; data_len <= 8; ++data_len)
            files.emplace_back(std::string(name_len, 'a' + static_cast<char>(data_len)), std::string(data_len, 'z'));
    for (auto& [name, data] : files) w.add_file(name, 0644, 0, bytes(data));
    std::vector<Entry> e = parse_newc(w.finish());
    ASSERT_EQ(e.size(), files.size() + 1);
    for (size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(e[i].name, files[i].first);
        EXPECT_EQ(e[i].data, files[i].second);
    }
}

class CpioTree : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ingot-cpio-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { fs::remove_all(root_); }

    void write(const std::string& rel, const std::string& content, mode_t mode = 0644) {
        fs::create_directories((root_ / rel).parent_path());
        std::ofstream(root_ / rel, std::ios::binary) << content;
        ::chmod((root_ / rel).c_str(), mode);
    }

    fs::path root_;
};

TEST_F(CpioTree, PacksRecursivelyInNameOrderWithDirectoriesFirst) {
    write("etc/hosts", "127.0.0.1 localhost\n");
    write("etc/ssl/cert.pem", "-----BEGIN-----\n");
    write("bin/tool", "#!", 0755);
    write("a.txt", "");
    fs::create_directory(root_ / "empty");
    fs::create_symlink("etc/hosts", root_ / "hosts-link");
    fs::create_symlink("/nonexistent/target", root_ / "dangling");
    ::chmod((root_ / "etc/ssl").c_str(), 0700);

    std::vector<Entry> e = parse_newc(pack_directory_tree(root_.string()));
    std::vector<std::string> names;
    for (const Entry& x : e) names.push_back(x.name);
    EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "bin", "bin/tool", "dangling", "empty", "etc",
                                               "etc/hosts", "etc/ssl", "etc/ssl/cert.pem", "hosts-link",
                                               "TRAILER!!!"}));
    auto find = [&](const std::string& name) -> const Entry& {
        for (const Entry& x : e)
            if (x.name == name) return x;
        static Entry none{};
        ADD_FAILURE() << name;
        return none;
    };
    EXPECT_EQ(find("bin/tool").mode, 0100755u);
    EXPECT_EQ(find("bin/tool").data, "#!");
    EXPECT_EQ(find("etc/hosts").mode, 0100644u);
    EXPECT_EQ(find("etc/hosts").data, "127.0.0.1 localhost\n");
    EXPECT_EQ(find("etc/ssl").mode, 040700u);
    EXPECT_EQ(find("empty").mode & 0170000u, 040000u);
    EXPECT_EQ(find("hosts-link").mode, 0120777u);
    EXPECT_EQ(find("hosts-link").data, "etc/hosts");
    EXPECT_EQ(find("dangling").data, "/nonexistent/target");
    struct stat st {};
    ::lstat((root_ / "etc/hosts").c_str(), &st);
    EXPECT_EQ(find("etc/hosts").mtime, static_cast<uint32_t>(st.st_mtime));
}

TEST_F(CpioTree, EmptyDirectoryGivesOnlyTheTrailer) {
    std::vector<Entry> e = parse_newc(pack_directory_tree(root_.string()));
    ASSERT_EQ(e.size(), 1u);
}

TEST_F(CpioTree, SymlinkedDirectoriesAreNotFollowed) {
    write("real/file", "data");
    fs::create_directory_symlink("real", root_ / "alias");
    fs::create_directory_symlink(".", root_ / "real/loop");
    std::vector<Entry> e = parse_newc(pack_directory_tree(root_.string()));
    ASSERT_EQ(e.size(), 5u);  // alias, real, real/file, real/loop, trailer
    EXPECT_EQ(e[0].name, "alias");
    EXPECT_EQ(e[0].mode & 0170000u, 0120000u);
    EXPECT_EQ(e[3].name, "real/loop");
}

TEST_F(CpioTree, RootGivenThroughASymlinkIsFollowed) {
    write("inner/x", "1");
    fs::create_directory_symlink(root_ / "inner", root_ / "link");
    std::vector<Entry> e = parse_newc(pack_directory_tree((root_ / "link").string()));
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].name, "x");
}

TEST_F(CpioTree, UnsupportedFileTypesAreRefused) {
    ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0644), 0);
    try {
        pack_directory_tree(root_.string());
        ADD_FAILURE() << "no error";
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), kStatusBadInput);
        EXPECT_NE(std::string(e.what()).find("fifo: unsupported file type"), std::string::npos) << e.what();
    }
}

TEST_F(CpioTree, MissingOrNonDirectoryRoot) {
    write("file", "x");
    for (const fs::path& p : {root_ / "missing", root_ / "file"}) {
        try {
            pack_directory_tree(p.string());
            ADD_FAILURE() << p;
        } catch (const ToolError& e) {
            EXPECT_EQ(e.status(), kStatusBadInput);
            EXPECT_EQ(std::string(e.what()).rfind(p.string(), 0), 0u) << e.what();
        }
    }
}

}  // namespace
