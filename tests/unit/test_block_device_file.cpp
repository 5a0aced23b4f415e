// Disks as /dev/vdX block special files: stat, unaligned reads and writes (read-modify-write of
// partial sectors), the device's end, fsync as a cache flush, BLKGETSIZE64/BLKSSZGET, and a
// read-only disk; plus the mount requests of the boot configuration.
#include <block/disk_mount_requests.h>
#include <block/disk_registry.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <cstring>
#include <vector>

namespace ingot::fs_test {
namespace {

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

// A disk in memory that counts its requests.
class MemoryDisk final : public BlockDevice {
public:
    MemoryDisk(uint64_t sectors, bool read_only) : bytes(sectors * kSectorSize), read_only_(read_only) {}
    uint64_t sector_count() const override { return bytes.size() / kSectorSize; }
    bool read_only() const override { return read_only_; }
    Result<void> read(uint64_t sector, std::span<uint8_t> buffer) override {
        if (buffer.size() % kSectorSize || sector * kSectorSize + buffer.size() > bytes.size()) return Errno{EIO};
        memcpy(buffer.data(), bytes.data() + sector * kSectorSize, buffer.size());
        ++reads;
        return {};
    }
    Result<void> write(uint64_t sector, std::span<const uint8_t> buffer) override {
        if (read_only_) return Errno{EROFS};
        if (buffer.size() % kSectorSize || sector * kSectorSize + buffer.size() > bytes.size()) return Errno{EIO};
        memcpy(bytes.data() + sector * kSectorSize, buffer.data(), buffer.size());
        ++writes;
        return {};
    }
    Result<void> flush() override {
        ++flushes;
        return {};
    }
    Result<void> discard(uint64_t, uint64_t) override { return Errno{EOPNOTSUPP}; }

    std::vector<uint8_t> bytes;
    int reads = 0, writes = 0, flushes = 0;

private:
    bool read_only_;
};

class BlockDeviceFileTest : public FsTest {
protected:
    void SetUp() override {
        clear_registered_disks();
        register_disk(disk);
        register_disk(read_only_disk);
        FsTest::SetUp();  // /dev is built with the registered disks
    }
    void TearDown() override {
        FsTest::TearDown();
        clear_registered_disks();
    }

    MemoryDisk disk{2048, false};         // 1 MiB
    MemoryDisk read_only_disk{16, true};  // 8 KiB
};

TEST_F(BlockDeviceFileTest, StatReportsABlockDeviceWithLinuxNumbers) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    ASSERT_EQ(call(sys_stat, {user_string("/dev/vdb"), buffer}), 0);
    linux_abi::Stat st;
    memcpy(&st, fake_user_memory::host(buffer, sizeof(st)), sizeof(st));
    EXPECT_EQ(st.st_mode & 0170000u, 0060000u);
    EXPECT_EQ(st.st_rdev, (254u << 8) | 16u);  // major 254, minor 16 for the second disk
    EXPECT_EQ(st.st_size, 0);
}

TEST_F(BlockDeviceFileTest, UnalignedWriteKeepsTheRestOfItsSectors) {
    memset(disk.bytes.data(), 0x11, 2048);
    int fd = static_cast<int>(open("/dev/vda", kOpenReadWrite));
    ASSERT_GE(fd, 0);
    uint64_t data = fake_user_memory::map(700);
    memset(fake_user_memory::host(data, 700), 0xEE, 700);
    EXPECT_EQ(call(sys_pwrite64, {u(fd), data, 700, 300}), 700);
    for (size_t i = 0; i < 2048; ++i)
        ASSERT_EQ(disk.bytes[i], i >= 300 && i < 1000 ? 0xEE : 0x11) << i;
    uint64_t back = fake_user_memory::map(10);
    EXPECT_EQ(call(sys_pread64, {u(fd), back, 10, 995}), 10);
    const uint8_t expected[10] = {0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0x11, 0x11, 0x11, 0x11, 0x11};
    EXPECT_EQ(memcmp(fake_user_memory::host(back, 10), expected, 10), 0);
}

TEST_F(BlockDeviceFileTest, LargeTransfersCrossChunks) {
    int fd = static_cast<int>(open("/dev/vda", kOpenReadWrite));
    constexpr size_t kBytes = 200 * 1024 + 77;
    uint64_t data = fake_user_memory::map(kBytes);
    auto* host = static_cast<uint8_t*>(fake_user_memory::host(data, kBytes));
    for (size_t i = 0; i < kBytes; ++i) host[i] = static_cast<uint8_t>(i * 7 + i / 4096);
    EXPECT_EQ(call(sys_pwrite64, {u(fd), data, kBytes, 5}), static_cast<int64_t>(kBytes));
    EXPECT_EQ(memcmp(disk.bytes.data() + 5, host, kBytes), 0);
    uint64_t back = fake_user_memory::map(kBytes);
    EXPECT_EQ(call(sys_pread64, {u(fd), back, kBytes, 5}), static_cast<int64_t>(kBytes));
    EXPECT_EQ(memcmp(fake_user_memory::host(back, kBytes), host, kBytes), 0);
}

TEST_F(BlockDeviceFileTest, TheDevicesEndLimitsReadsAndWrites) {
    int fd = static_cast<int>(open("/dev/vda", kOpenReadWrite));
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 2}), 1 << 20);  // SEEK_END
    uint64_t data = fake_user_memory::map(1024);
    EXPECT_EQ(call(sys_pread64, {u(fd), data, 1024, (1 << 20) - 100}), 100);
    EXPECT_EQ(call(sys_pread64, {u(fd), data, 1024, 1 << 20}), 0);
    EXPECT_EQ(call(sys_pwrite64, {u(fd), data, 1024, (1 << 20) - 24}), 24);
    EXPECT_EQ(call(sys_pwrite64, {u(fd), data, 1, 1 << 20}), -ENOSPC);
}

TEST_F(BlockDeviceFileTest, FsyncFlushesTheDisk) {
    int fd = static_cast<int>(open("/dev/vda", kOpenReadWrite));
    EXPECT_EQ(call(sys_fsync, {u(fd)}), 0);
    EXPECT_EQ(disk.flushes, 1);
}

TEST_F(BlockDeviceFileTest, IoctlsGiveSizeAndSectorSize) {
    int fd = static_cast<int>(open("/dev/vdb", kOpenReadOnly));
    uint64_t out = fake_user_memory::map(8);
    ASSERT_EQ(call(sys_ioctl, {u(fd), linux_abi::kBlkGetSize64, out}), 0);
    uint64_t size;
    memcpy(&size, fake_user_memory::host(out, 8), 8);
    EXPECT_EQ(size, 8192u);
    ASSERT_EQ(call(sys_ioctl, {u(fd), linux_abi::kBlkSectorSizeGet, out}), 0);
    int sector;
    memcpy(&sector, fake_user_memory::host(out, 4), 4);
    EXPECT_EQ(sector, 512);
    int null_fd = static_cast<int>(open("/dev/null", kOpenReadOnly));
    EXPECT_EQ(call(sys_ioctl, {u(null_fd), linux_abi::kBlkGetSize64, out}), -ENOTTY);
}

TEST_F(BlockDeviceFileTest, ReadOnlyDiskOpensButRefusesWritesWithEperm) {
    read_only_disk.bytes[0] = 7;
    int fd = static_cast<int>(open("/dev/vdb", kOpenReadWrite));
    ASSERT_GE(fd, 0);
    uint64_t data = fake_user_memory::map(512);
    EXPECT_EQ(call(sys_pwrite64, {u(fd), data, 512, 0}), -EPERM);
    EXPECT_EQ(call(sys_pread64, {u(fd), data, 1, 0}), 1);
    EXPECT_EQ(*static_cast<uint8_t*>(fake_user_memory::host(data, 1)), 7);
}

TEST(DiskMountRequest, ParsesModeAndPath) {
    auto rw = parse_disk_mount(0, "rw:/data");
    ASSERT_TRUE(rw.ok());
    EXPECT_FALSE(rw.value().read_only);
    EXPECT_EQ(rw.value().path, "/data");
    auto ro = parse_disk_mount(3, "ro:/mnt/x");
    ASSERT_TRUE(ro.ok());
    EXPECT_TRUE(ro.value().read_only);
    EXPECT_EQ(ro.value().disk, 3u);
    for (const char* bad : {"", "rw", "rw:", "rw:data", "xx:/data", "/data", "ro/data"})
        EXPECT_FALSE(parse_disk_mount(0, bad).ok()) << bad;
}

}  // namespace
}  // namespace ingot::fs_test
