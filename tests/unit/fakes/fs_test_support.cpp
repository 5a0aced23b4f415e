#include <fs/console_file.h>
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>

#include "fakes/fs_test_support.h"

#include <cstdio>

namespace ingot::fs_test {
namespace {

void append_hex(std::vector<uint8_t>& out, uint32_t value) {
    char text[9];
    std::snprintf(text, sizeof(text), "%08X", value);
    out.insert(out.end(), text, text + 8);
}

void pad4(std::vector<uint8_t>& out) {
    while (out.size() % 4) out.push_back(0);
}

std::vector<uint8_t> standard_archive() {
    std::string big(9000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7 + 3) & 0xff);
    return CpioBuilder()
        .directory("etc")
        .file("etc/hostname", "ingot\n")
        .file("etc/motd", "hello world\n", 0600, 1600000000)
        .directory("bin")
        .file("data/big", big)
        .symlink("link-to-motd", "etc/motd")
        .symlink("abs-link", "/etc")
        .symlink("loop1", "loop2")
        .symlink("loop2", "loop1")
        .symlink("dangling", "nowhere")
        .finish();
}

}  // namespace

CpioBuilder& CpioBuilder::entry(std::string_view name, uint32_t mode, std::string_view data, uint32_t nlink,
                                uint32_t ino, uint32_t mtime) {
    bytes_.insert(bytes_.end(), {'0', '7', '0', '7', '0', '1'});
    uint32_t fields[13] = {ino ? ino : next_ino_++, mode, 0, 0, nlink, mtime, static_cast<uint32_t>(data.size()),
                           0, 0, 0, 0, static_cast<uint32_t>(name.size() + 1), 0};
    for (uint32_t field : fields) append_hex(bytes_, field);
    bytes_.insert(bytes_.end(), name.begin(), name.end());
    bytes_.push_back(0);
    pad4(bytes_);
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    pad4(bytes_);
    return *this;
}

CpioBuilder& CpioBuilder::directory(std::string_view name, uint32_t permissions, uint32_t mtime) {
    return entry(name, 0040000 | permissions, {}, 2, 0, mtime);
}

CpioBuilder& CpioBuilder::file(std::string_view name, std::string_view data, uint32_t permissions, uint32_t mtime) {
    return entry(name, 0100000 | permissions, data, 1, 0, mtime);
}

CpioBuilder& CpioBuilder::symlink(std::string_view name, std::string_view target) {
    return entry(name, 0120777, target);
}

std::vector<uint8_t> CpioBuilder::finish() {
    entry("TRAILER!!!", 0, {}, 1, 0, 0);
    std::vector<uint8_t> out = std::move(bytes_);
    bytes_.clear();
    return out;
}

int64_t call(SyscallHandler handler, std::initializer_list<uint64_t> args) {
    SyscallArgs syscall_args{};
    size_t i = 0;
    for (uint64_t arg : args) syscall_args.a[i++] = arg;
    Result<int64_t> result = handler(syscall_args);
    return result.ok() ? result.value() : -static_cast<int64_t>(result.error());
}

uint64_t user_string(std::string_view text) { return fake_user_memory::map_string(text); }

void FsTest::SetUp() {
    fake_user_memory::reset();
    fake_console::clear();
    reset_context();
    mount(standard_archive());
    ASSERT_TRUE(open_standard_streams(current_fs().fds).ok());
}

void FsTest::TearDown() {
    reset_context();
    fake_user_memory::reset();
}

void FsTest::mount(const std::vector<uint8_t>& archive, std::string_view program_path) {
    // The archive must outlive the mount (zero copy): keep every one for the test's lifetime.
    static std::vector<std::vector<uint8_t>>* archives = new std::vector<std::vector<uint8_t>>;
    archives->push_back(archive);
    const std::vector<uint8_t>& kept = archives->back();
    static const std::string program(kProgramBytes);
    auto program_bytes = std::span(reinterpret_cast<const uint8_t*>(program.data()), program.size());
    current_fs().cwd = nullptr;
    Result<void> mounted = mount_root_filesystem(kept, program_path, program_bytes);
    ASSERT_TRUE(mounted.ok()) << errno_name(mounted.error());
}

int64_t FsTest::open(std::string_view path, uint64_t flags, uint64_t mode) {
    return call(sys_open, {user_string(path), flags, mode});
}

std::string FsTest::read_all(int fd, size_t chunk) {
    uint64_t buffer = fake_user_memory::map(chunk);
    std::string out;
    for (;;) {
        int64_t n = call(sys_read, {static_cast<uint64_t>(fd), buffer, chunk});
        if (n < 0) return out + "<errno " + std::to_string(-n) + ">";
        if (n == 0) break;
        uint8_t* bytes = fake_user_memory::host(buffer, static_cast<size_t>(n));
        out.append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(n));
    }
    fake_user_memory::unmap(buffer);
    return out;
}

int64_t FsTest::write(int fd, std::string_view text) {
    uint64_t buffer = fake_user_memory::map_bytes(text.data(), text.size());
    return call(sys_write, {static_cast<uint64_t>(fd), buffer, text.size()});
}

std::string FsTest::file_text(std::string_view path) {
    int64_t fd = open(path, kOpenReadOnly);
    if (fd < 0) return "<errno " + std::to_string(-fd) + ">";
    std::string text = read_all(static_cast<int>(fd));
    call(sys_close, {static_cast<uint64_t>(fd)});
    return text;
}

}  // namespace ingot::fs_test
