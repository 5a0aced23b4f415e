#include <fs/cpio.h>
#include <lib/hex.h>

namespace ingot {
namespace {

// cpio(5) newc header: 6-byte magic, then 13 fields of 8 hex digits.
constexpr size_t kMagicSize = 6;
constexpr size_t kFieldSize = 8;
constexpr size_t kHeaderSize = kMagicSize + 13 * kFieldSize;  // 110
constexpr std::string_view kMagicNewc = "070701";
constexpr std::string_view kMagicCrc = "070702";
constexpr std::string_view kTrailerName = "TRAILER!!!";

enum Field { Ino, Mode, Uid, Gid, Nlink, Mtime, FileSize, DevMajor, DevMinor, RdevMajor, RdevMinor, NameSize, Check };

// Header and name together, and the file data, are each padded to a multiple of 4 bytes.
constexpr uint64_t pad4(uint64_t n) { return (n + 3) & ~uint64_t{3}; }

// True when some '/'-separated component of path is "..". (Plain loops rather than
// string_view::find, which may call memchr, and the kernel has no memchr.)
bool has_dot_dot_component(std::string_view path) {
    size_t component_start = 0;
    for (size_t i = 0; i <= path.size(); ++i) {
        if (i < path.size() && path[i] != '/') continue;
        if (path.substr(component_start, i - component_start) == "..") return true;
        component_start = i + 1;
    }
    return false;
}

bool contains_nul(std::string_view s) {
    for (char c : s)
        if (c == '\0') return true;
    return false;
}

// Removes any mix of leading "./" and "/" so names are relative to the archive's root.
std::string_view strip_leading_root(std::string_view name) {
    for (;;) {
        if (name.starts_with("./")) name.remove_prefix(2);
        else if (name.starts_with("/")) name.remove_prefix(1);
        else break;
    }
    return name == "." ? name.substr(1) : name;  // still a view into the archive
}

}  // namespace

Result<bool> CpioReader::next(CpioEntry& out) {
    if (state_ == State::Done) return false;
    if (state_ == State::Failed) return Errno::EINVAL;
    auto result = parse_entry(out);
    if (!result.ok()) state_ = State::Failed;
    else if (!result.value()) state_ = State::Done;
    return result;
}

Result<bool> CpioReader::parse_entry(CpioEntry& out) {
    const uint8_t* base = archive_.data();
    uint64_t size = archive_.size();
    if (offset_ > size || size - offset_ < kHeaderSize) return Errno::EINVAL;
    auto header = std::string_view(reinterpret_cast<const char*>(base + offset_), kHeaderSize);
    std::string_view magic = header.substr(0, kMagicSize);
    bool has_checksum = magic == kMagicCrc;
    if (magic != kMagicNewc && !has_checksum) return Errno::EINVAL;

    uint32_t fields[13];
    for (size_t i = 0; i < 13; ++i) {
        auto value = parse_hex(header.substr(kMagicSize + i * kFieldSize, kFieldSize));
        if (!value) return Errno::EINVAL;
        fields[i] = static_cast<uint32_t>(*value);  // 8 digits always fit
    }

    uint64_t name_offset = offset_ + kHeaderSize;
    uint64_t name_size = fields[NameSize];  // includes the terminating NUL
    if (name_size == 0 || name_size > size - name_offset) return Errno::EINVAL;
    auto raw_name = std::string_view(reinterpret_cast<const char*>(base + name_offset), name_size);
    if (raw_name.back() != '\0') return Errno::EINVAL;
    raw_name.remove_suffix(1);
    if (contains_nul(raw_name)) return Errno::EINVAL;

    // Offsets stay far below 2^64: each step adds at most 2^32 + 3 to a value <= size.
    uint64_t data_offset = pad4(name_offset + name_size);
    uint64_t data_size = fields[FileSize];
    if (data_offset > size || data_size > size - data_offset) return Errno::EINVAL;
    uint64_t next_offset = pad4(data_offset + data_size);

    if (raw_name == kTrailerName) {
        offset_ = next_offset > size ? size : next_offset;
        return false;
    }
    if (has_dot_dot_component(raw_name)) return Errno::EINVAL;

    auto data = archive_.subspan(data_offset, data_size);
    if (has_checksum) {
        uint32_t sum = 0;  // cpio(5): the sum of all data bytes, modulo 2^32
        for (uint8_t byte : data) sum += byte;
        if (sum != fields[Check]) return Errno::EINVAL;
    }

    out.name = strip_leading_root(raw_name);
    out.mode = fields[Mode];
    out.uid = fields[Uid];
    out.gid = fields[Gid];
    out.nlink = fields[Nlink];
    out.mtime = fields[Mtime];
    out.ino = fields[Ino];
    out.rdev_major = fields[RdevMajor];
    out.rdev_minor = fields[RdevMinor];
    out.data = data;
    // An archive cut inside this entry's padding is reported by the next call.
    offset_ = next_offset > size ? size : next_offset;
    return true;
}

}  // namespace ingot
