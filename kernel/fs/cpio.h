// Reader for cpio "newc" archives (cpio(5): magic "070701", or "070702" with a checksum),
// the initrd format. Entries are views into the archive: nothing is copied.
//
// Every header is checked before it is used; a malformed archive yields EINVAL from next()
// and every later call, never an out-of-bounds read: bad magic, non-hex digits, a name size
// of 0 or past the end, a name without its NUL or with an embedded one, file data past the
// end, a truncated header, a bad "070702" checksum, a name with a ".." component, or an
// archive that ends without the "TRAILER!!!" entry.
//
// Hard links: newc stores the data of a multiply-linked file with its last link only; the
// earlier links have empty data. Callers that care match entries by ino.
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ingot {

struct CpioEntry {
    // File type bits of mode (stat(2) S_IFMT values).
    static constexpr uint32_t kTypeMask = 0170000;
    static constexpr uint32_t kTypeRegular = 0100000;
    static constexpr uint32_t kTypeDirectory = 0040000;
    static constexpr uint32_t kTypeSymlink = 0120000;

    std::string_view name;  // no NUL; leading "./" and "/" removed; the root "." becomes ""
    uint32_t mode = 0;
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint32_t nlink = 0;
    uint32_t mtime = 0;
    uint32_t ino = 0;
    uint32_t rdev_major = 0;
    uint32_t rdev_minor = 0;
    std::span<const uint8_t> data;  // file contents, or a symlink's target

    bool is_regular() const { return (mode & kTypeMask) == kTypeRegular; }
    bool is_directory() const { return (mode & kTypeMask) == kTypeDirectory; }
    bool is_symlink() const { return (mode & kTypeMask) == kTypeSymlink; }
};

class CpioReader {
public:
    // Reads the archive in place; it must outlive the reader and every entry.
    explicit CpioReader(std::span<const uint8_t> archive) : archive_(archive) {}

    // Fills `out` with the next entry and returns true, or returns false once the trailer has
    // been read. EINVAL for a malformed archive (see above), then on every later call.
    Result<bool> next(CpioEntry& out);

    // Offset of the next header in the archive (after the trailer: the end of the archive
    // proper, before any padding that follows it).
    size_t offset() const { return offset_; }

private:
    Result<bool> parse_entry(CpioEntry& out);

    std::span<const uint8_t> archive_;
    size_t offset_ = 0;
    enum class State { Reading, Done, Failed } state_ = State::Reading;
};

}  // namespace ingot
