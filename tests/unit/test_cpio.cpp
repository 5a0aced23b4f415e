#include <fs/cpio.h>

#include <gtest/gtest.h>

// <cerrno> (which gtest includes) defines EINVAL etc. as macros that hide the Errno
// enumerators, so tests spell Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ingot {
namespace {

struct FileSpec {
    std::string name;
    std::string data;
    uint32_t mode = 0100644;
    uint32_t ino = 1;
};

// Writes one newc header + name + data, padded as cpio(5) describes.
void append_entry(std::string& out, const std::string& name, const std::string& data, uint32_t mode, uint32_t ino,
                  const char* magic = "070701", uint32_t check = 0) {
    char header[111];
    snprintf(header, sizeof header, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, ino, mode,
             1000u, 100u, 1u, 0x5f000000u, static_cast<unsigned>(data.size()), 8u, 1u, 3u, 7u,
             static_cast<unsigned>(name.size() + 1), check);
    out += header;
    out += name;
    out += '\0';
    while (out.size() % 4) out += '\0';
    out += data;
    while (out.size() % 4) out += '\0';
}

std::string make_archive(const std::vector<FileSpec>& files) {
    std::string out;
    for (const auto& f : files) append_entry(out, f.name, f.data, f.mode, f.ino);
    append_entry(out, "TRAILER!!!", "", 0, 0);
    return out;
}

std::span<const uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string text(std::span<const uint8_t> data) { return {reinterpret_cast<const char*>(data.data()), data.size()}; }

// Reads every entry; returns the error of the first failure, or 0 when the trailer is reached.
int read_all(std::span<const uint8_t> archive, std::vector<CpioEntry>* entries = nullptr) {
    CpioReader reader(archive);
    CpioEntry entry;
    for (int guard = 0; guard < 10000; ++guard) {
        auto more = reader.next(entry);
        if (!more.ok()) return static_cast<int>(more.error());
        if (!more.value()) return 0;
        // Entries must lie inside the archive.
        EXPECT_GE(reinterpret_cast<const uint8_t*>(entry.name.data()), archive.data());
        EXPECT_LE(reinterpret_cast<const uint8_t*>(entry.name.data()) + entry.name.size(),
                  archive.data() + archive.size());
        if (!entry.data.empty()) {
            EXPECT_GE(entry.data.data(), archive.data());
            EXPECT_LE(entry.data.data() + entry.data.size(), archive.data() + archive.size());
        }
        if (entries) entries->push_back(entry);
    }
    ADD_FAILURE() << "reader did not terminate";
    return -1;
}

const std::vector<FileSpec> kSample = {
    {".", "", 040755, 1},
    {"./bin", "", 040755, 2},
    {"./bin/hello", "#!hello world\n", 0100755, 3},
    {"/etc/hostname", "ingot", 0100644, 4},
    {"empty", "", 0100644, 5},
    {"link", "bin/hello", 0120777, 6},
    {"odd", std::string(1021, 'x'), 0100600, 7},
};

TEST(Cpio, ReadsEveryEntryInPlace) {
    std::string archive = make_archive(kSample);
    std::vector<CpioEntry> entries;
    ASSERT_EQ(read_all(bytes(archive), &entries), 0);
    ASSERT_EQ(entries.size(), kSample.size());
    EXPECT_EQ(entries[0].name, "");
    EXPECT_TRUE(entries[0].is_directory());
    EXPECT_EQ(entries[1].name, "bin");
    EXPECT_EQ(entries[2].name, "bin/hello");
    EXPECT_TRUE(entries[2].is_regular());
    EXPECT_EQ(entries[2].mode, 0100755u);
    EXPECT_EQ(text(entries[2].data), "#!hello world\n");
    EXPECT_EQ(entries[2].ino, 3u);
    EXPECT_EQ(entries[2].uid, 1000u);
    EXPECT_EQ(entries[2].gid, 100u);
    EXPECT_EQ(entries[2].nlink, 1u);
    EXPECT_EQ(entries[2].mtime, 0x5f000000u);
    EXPECT_EQ(entries[2].rdev_major, 3u);
    EXPECT_EQ(entries[2].rdev_minor, 7u);
    EXPECT_EQ(entries[3].name, "etc/hostname");
    EXPECT_EQ(text(entries[3].data), "ingot");
    EXPECT_TRUE(entries[4].data.empty());
    EXPECT_TRUE(entries[5].is_symlink());
    EXPECT_EQ(text(entries[5].data), "bin/hello");
    EXPECT_EQ(entries[6].data.size(), 1021u);
    // Zero copy: the data is a view into the archive itself.
    EXPECT_GE(entries[3].data.data(), bytes(archive).data());
    EXPECT_LT(entries[3].data.data(), bytes(archive).data() + archive.size());
}

TEST(Cpio, StopsAtTrailerAndStaysStopped) {
    std::string archive = make_archive({{"a", "1"}});
    size_t proper_size = archive.size();
    archive += std::string(512, '\0');  // archives are often padded to a block size
    CpioReader reader(bytes(archive));
    CpioEntry entry;
    EXPECT_TRUE(reader.next(entry).value());
    EXPECT_FALSE(reader.next(entry).value());
    EXPECT_EQ(reader.offset(), proper_size);
    EXPECT_FALSE(reader.next(entry).value());
}

TEST(Cpio, UppercaseAndLowercaseHexBothParse) {
    std::string archive = make_archive({{"f", "abc"}});
    // The builder writes upper case; rewrite the mode field (000081A4) in lower case.
    size_t mode_field = 6 + 8;
    ASSERT_EQ(archive.substr(mode_field, 8), "000081A4");
    archive.replace(mode_field, 8, "000081a4");
    std::vector<CpioEntry> entries;
    ASSERT_EQ(read_all(bytes(archive), &entries), 0);
    EXPECT_EQ(entries[0].mode, 0100644u);
}

TEST(Cpio, ChecksumVariant) {
    std::string data = "checksum me";
    uint32_t sum = 0;
    for (unsigned char c : data) sum += c;
    std::string good;
    append_entry(good, "c", data, 0100644, 1, "070702", sum);
    append_entry(good, "TRAILER!!!", "", 0, 0, "070702");
    EXPECT_EQ(read_all(bytes(good)), 0);
    std::string bad;
    append_entry(bad, "c", data, 0100644, 1, "070702", sum + 1);
    append_entry(bad, "TRAILER!!!", "", 0, 0, "070702");
    EXPECT_EQ(read_all(bytes(bad)), static_cast<int>(Errno{EINVAL}));
}

TEST(Cpio, MalformedArchivesAreEinval) {
    const int einval = static_cast<int>(Errno{EINVAL});
    std::string good = make_archive({{"file", "data"}});
    ASSERT_EQ(read_all(bytes(good)), 0);

    EXPECT_EQ(read_all(bytes(std::string())), einval);  // empty
    EXPECT_EQ(read_all(bytes(good.substr(0, 109))), einval);  // truncated header

    std::string s = good;
    s[5] = '7';  // magic 070707 is the old binary-compatible format: not accepted
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s[0] = 'X';
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s[6 + 8 * 6 + 3] = 'g';  // non-hex digit in filesize
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s[6 + 8 * 6] = ' ';  // space-padded numbers are not newc
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s.replace(6 + 8 * 11, 8, "00000000");  // name size 0
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s.replace(6 + 8 * 11, 8, "FFFFFFFF");  // name past the end
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s.replace(6 + 8 * 11, 8, "00000004");  // name without its NUL ("file" then NUL at 5)
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s[110 + 1] = '\0';  // embedded NUL: "f\0le"
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s.replace(6 + 8 * 6, 8, "FFFFFFFF");  // file size past the end
    EXPECT_EQ(read_all(bytes(s)), einval);
    s = good;
    s.replace(6 + 8 * 6, 8, "00000100");
    EXPECT_EQ(read_all(bytes(s)), einval);
    // No trailer: the archive just ends after a complete entry.
    std::string no_trailer;
    append_entry(no_trailer, "file", "data", 0100644, 1);
    EXPECT_EQ(read_all(bytes(no_trailer)), einval);
}

TEST(Cpio, DotDotComponentsAreRejected) {
    const int einval = static_cast<int>(Errno{EINVAL});
    for (const char* name : {"..", "../etc/passwd", "a/../b", "a/..", "./..", "/.."})
        EXPECT_EQ(read_all(bytes(make_archive({{name, "x"}}))), einval) << name;
    for (const char* name : {"...", "..a", "a..", "a/...b", "a/.b/..c"})
        EXPECT_EQ(read_all(bytes(make_archive({{name, "x"}}))), 0) << name;
}

TEST(Cpio, LeadingRootMarkersAreStripped) {
    std::vector<CpioEntry> entries;
    std::string archive = make_archive({{"./a", ""}, {"/b", ""}, {"//c", ""}, {".//./d", ""}, {"/", ""}, {"./", ""}});
    ASSERT_EQ(read_all(bytes(archive), &entries), 0);
    ASSERT_EQ(entries.size(), 6u);
    EXPECT_EQ(entries[0].name, "a");
    EXPECT_EQ(entries[1].name, "b");
    EXPECT_EQ(entries[2].name, "c");
    EXPECT_EQ(entries[3].name, "d");
    EXPECT_EQ(entries[4].name, "");
    EXPECT_EQ(entries[5].name, "");
}

TEST(Cpio, ErrorsAreSticky) {
    std::string archive = make_archive({{"a", "1"}, {"b", "2"}});
    archive.replace(116, 6, "XXXXXX");  // the second header: 110 + "a\0" + "1" padded
    CpioReader reader(bytes(archive));
    CpioEntry entry;
    EXPECT_TRUE(reader.next(entry).value());
    EXPECT_EQ(reader.next(entry).error(), Errno{EINVAL});
    EXPECT_EQ(reader.next(entry).error(), Errno{EINVAL});
}

// Each corrupted archive is copied into an exactly-sized heap buffer so that AddressSanitizer
// catches any read past its end.
int read_copy(const std::string& archive) {
    std::vector<uint8_t> copy(archive.begin(), archive.end());
    return read_all(copy);
}

TEST(Cpio, EveryByteCorruptionIsHandled) {
    std::string archive = make_archive(kSample);
    for (size_t i = 0; i < archive.size(); ++i) {
        for (char value : {'\0', '\xff', 'x', '0', '9', 'F', '/', '.', '7'}) {
            std::string s = archive;
            if (s[i] == value) continue;
            s[i] = value;
            int result = read_copy(s);
            ASSERT_TRUE(result == 0 || result == static_cast<int>(Errno{EINVAL})) << i;
        }
    }
}

TEST(Cpio, EveryTruncationIsEinval) {
    std::string archive = make_archive(kSample);
    for (size_t length = 0; length < archive.size(); ++length) {
        // Even a cut inside the trailer's padding counts: a newc writer always pads.
        ASSERT_EQ(read_copy(archive.substr(0, length)), static_cast<int>(Errno{EINVAL})) << length;
    }
}

TEST(Cpio, HugeFieldsDoNotOverflow) {
    std::string archive = make_archive({{"a", "xyz"}});
    for (int field = 0; field < 13; ++field) {
        std::string s = archive;
        s.replace(6 + 8 * field, 8, "FFFFFFFF");
        int result = read_copy(s);
        ASSERT_TRUE(result == 0 || result == static_cast<int>(Errno{EINVAL})) << field;
    }
}

}  // namespace
}  // namespace ingot
