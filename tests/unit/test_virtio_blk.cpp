// The virtio-blk driver (virtio 1.2 §5.2) against a fake disk behind the transport interface,
// in fake physical memory.
#include "fakes/fake_machine.h"
#include "fakes/fake_virtio.h"
#include "fakes/fake_virtio_blk.h"

#include <drivers/virtio/virtio_blk.h>
#include <drivers/virtio/virtio_blk_spec.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace ingot::virtio {
namespace {

constexpr uint64_t kSectors = 2048;  // 1 MiB
constexpr uint64_t kQemuFeatures = blk_feature::kSizeMax | blk_feature::kSegMax | blk_feature::kBlockSize |
                                   blk_feature::kFlush | blk_feature::kDiscard | blk_feature::kWriteZeroes |
                                   blk_feature::kMultiQueue | feature::kEventIndex | feature::kIndirectDescriptors;

std::vector<uint8_t> pattern(size_t length, uint8_t seed) {
    std::vector<uint8_t> bytes(length);
    for (size_t i = 0; i < length; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 13 + i / 512);
    return bytes;
}

void set_config32(fake_virtio::FakeTransport& transport, uint32_t offset, uint32_t value) {
    memcpy(transport.config.data() + offset, &value, 4);
}

class VirtioBlkTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_machine::reset();
        free_pages_at_start = physical_pages().free_pages();
        set_config32(transport, kBlkConfigSizeMax, 1u << 20);
        set_config32(transport, kBlkConfigSegMax, 126);
        set_config32(transport, kBlkConfigBlockSize, 4096);
        set_config32(transport, kBlkConfigMaxDiscardSectors, 256);
    }

    VirtioBlk& start(uint64_t timeout_ns = VirtioBlk::kDefaultTimeoutNs) {
        blk = std::make_unique<VirtioBlk>(transport, wait, timeout_ns);
        EXPECT_TRUE(blk->init().ok());
        return *blk;
    }

    size_t free_pages_at_start = 0;
    fake_virtio::FakeTransport transport{kDeviceIdBlock, 1};
    fake_virtio::FakeBlockDisk disk{transport, kSectors, kQemuFeatures};
    fake_virtio::ServingWait wait{disk};
    std::unique_ptr<VirtioBlk> blk;
};

TEST_F(VirtioBlkTest, NegotiatesOnlyWhatTheDriverImplements) {
    VirtioBlk& device = start();
    uint64_t expected = feature::kVersion1 | blk_feature::kSizeMax | blk_feature::kSegMax | blk_feature::kBlockSize |
                        blk_feature::kFlush | blk_feature::kDiscard | blk_feature::kMultiQueue;
    EXPECT_EQ(transport.driver_features, expected);
    EXPECT_TRUE(transport.status_value & status::kDriverOk);
    EXPECT_EQ(device.sector_count(), kSectors);
    EXPECT_EQ(device.geometry().block_size, 4096u);
    EXPECT_FALSE(device.read_only());
}

TEST_F(VirtioBlkTest, RefusesOtherDevicesAndLegacyOnes) {
    fake_virtio::FakeTransport net{kDeviceIdNetwork, 1};
    fake_virtio::FakeBlockDisk unused{net, 8, 0};
    net.type = kDeviceIdNetwork;
    VirtioBlk not_a_disk(net, wait);
    EXPECT_EQ(not_a_disk.init().error(), Errno{ENODEV});

    transport.offered_features = blk_feature::kFlush;  // no VIRTIO_F_VERSION_1
    VirtioBlk legacy(transport, wait);
    EXPECT_EQ(legacy.init().error(), Errno{ENODEV});
    EXPECT_TRUE(transport.status_value & status::kFailed);
}

TEST_F(VirtioBlkTest, WritesThenReadsBackThroughThreeDescriptorChains) {
    VirtioBlk& device = start();
    std::vector<uint8_t> data = pattern(8 * 512, 3);
    ASSERT_TRUE(device.write(100, data).ok());
    EXPECT_EQ(0, memcmp(disk.contents.data() + 100 * 512, data.data(), data.size()));
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device.read(100, back).ok());
    EXPECT_EQ(back, data);
    EXPECT_EQ(disk.chains_with_wrong_shape, 0);
}

TEST_F(VirtioBlkTest, SplitsTransfersLargerThanSizeMax) {
    set_config32(transport, kBlkConfigSizeMax, 4096 + 100);  // rounded down to whole sectors
    VirtioBlk& device = start();
    std::vector<uint8_t> data = pattern(10 * 512, 9);
    ASSERT_TRUE(device.write(0, data).ok());
    EXPECT_EQ(disk.request_bytes, (std::vector<uint32_t>{4096, 1024}));
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device.read(0, back).ok());
    EXPECT_EQ(back, data);
}

TEST_F(VirtioBlkTest, SplitsTransfersLargerThanTheBounceBuffer) {
    VirtioBlk& device = start();
    std::vector<uint8_t> data = pattern(VirtioBlk::kBounceBytes * 2 + 512, 1);
    ASSERT_TRUE(device.write(0, data).ok());
    EXPECT_EQ(disk.request_bytes, (std::vector<uint32_t>{VirtioBlk::kBounceBytes, VirtioBlk::kBounceBytes, 512}));
    std::vector<uint8_t> back(data.size());
    ASSERT_TRUE(device.read(0, back).ok());
    EXPECT_EQ(back, data);
}

TEST_F(VirtioBlkTest, ScatteredWritesGoOutTogetherAndNeighboursJoin) {
    VirtioBlk& device = start();
    std::vector<uint8_t> a = pattern(4096, 1), b = pattern(4096, 2), c = pattern(1024, 3), d = pattern(512, 4);
    // b follows a on the disk; c and d stand alone, and come before a in the list.
    SectorWrite pieces[] = {{300, c}, {8, a}, {16, b}, {1000, d}};
    ASSERT_TRUE(device.write_scattered(pieces).ok());
    EXPECT_EQ(disk.request_sectors, (std::vector<uint64_t>{300, 8, 1000}));
    EXPECT_EQ(disk.request_bytes, (std::vector<uint32_t>{1024, 8192, 512}));
    EXPECT_EQ(disk.batches, (std::vector<size_t>{3}));  // all in flight at once
    EXPECT_EQ(wait.waits, 1);
    EXPECT_EQ(0, memcmp(disk.contents.data() + 8 * 512, a.data(), a.size()));
    EXPECT_EQ(0, memcmp(disk.contents.data() + 16 * 512, b.data(), b.size()));
    EXPECT_EQ(0, memcmp(disk.contents.data() + 300 * 512, c.data(), c.size()));
    EXPECT_EQ(0, memcmp(disk.contents.data() + 1000 * 512, d.data(), d.size()));
    EXPECT_EQ(disk.chains_with_wrong_shape, 0);
}

TEST_F(VirtioBlkTest, ScatteredWritesBeyondOneBatchGoOutInSeveral) {
    VirtioBlk& device = start();
    constexpr size_t kPieces = VirtioBlk::kMaxBatch + 8;
    std::vector<std::vector<uint8_t>> data;
    std::vector<SectorWrite> pieces;
    for (size_t i = 0; i < kPieces; ++i) data.push_back(pattern(512, static_cast<uint8_t>(i)));
    for (size_t i = 0; i < kPieces; ++i) pieces.push_back({i * 2, data[i]});  // every other sector
    ASSERT_TRUE(device.write_scattered(pieces).ok());
    EXPECT_EQ(disk.batches, (std::vector<size_t>{VirtioBlk::kMaxBatch, 8}));
    for (size_t i = 0; i < kPieces; ++i) EXPECT_EQ(0, memcmp(disk.contents.data() + i * 1024, data[i].data(), 512));
}

TEST_F(VirtioBlkTest, ScatteredWritesSplitWhereTheBounceBufferIsFull) {
    VirtioBlk& device = start();
    std::vector<uint8_t> big = pattern(96 * 1024, 5), other = pattern(96 * 1024, 6);
    SectorWrite pieces[] = {{0, big}, {1024, other}};
    ASSERT_TRUE(device.write_scattered(pieces).ok());
    // 96 KiB, then the 32 KiB the bounce buffer has left; the rest of `other` in a second batch.
    EXPECT_EQ(disk.request_bytes, (std::vector<uint32_t>{96 * 1024, 32 * 1024, 64 * 1024}));
    EXPECT_EQ(disk.batches, (std::vector<size_t>{2, 1}));
    EXPECT_EQ(0, memcmp(disk.contents.data(), big.data(), big.size()));
    EXPECT_EQ(0, memcmp(disk.contents.data() + 1024 * 512, other.data(), other.size()));
}

TEST_F(VirtioBlkTest, AFailedRequestInABatchFailsTheWriteAndTheRestStillLand) {
    VirtioBlk& device = start();
    std::vector<uint8_t> a = pattern(512, 1), b = pattern(512, 2);
    disk.failing_sector = 40;
    SectorWrite pieces[] = {{40, a}, {80, b}};
    EXPECT_EQ(device.write_scattered(pieces).error(), Errno{EIO});
    EXPECT_EQ(0, memcmp(disk.contents.data() + 80 * 512, b.data(), 512));
    EXPECT_FALSE(device.dead());  // the device answered: it stays usable
    SectorWrite past_end[] = {{80, b}, {kSectors, a}};
    EXPECT_EQ(device.write_scattered(past_end).error(), Errno{EIO});
    EXPECT_EQ(disk.request_bytes.size(), 2u);  // refused before anything was sent
}

TEST_F(VirtioBlkTest, RefusesRangesPastTheEndAndPartialSectors) {
    VirtioBlk& device = start();
    std::vector<uint8_t> buffer(1024);
    EXPECT_EQ(device.read(kSectors - 1, buffer).error(), Errno{EIO});
    EXPECT_EQ(device.write(UINT64_MAX, buffer).error(), Errno{EIO});
    std::vector<uint8_t> odd(100);
    EXPECT_EQ(device.read(0, odd).error(), Errno{EINVAL});
    EXPECT_TRUE(disk.request_bytes.empty());
    EXPECT_TRUE(device.read(kSectors - 2, buffer).ok());
}

TEST_F(VirtioBlkTest, FlushSendsTheFlushRequest) {
    VirtioBlk& device = start();
    ASSERT_TRUE(device.flush().ok());
    EXPECT_EQ(disk.flushes, 1);
}

TEST_F(VirtioBlkTest, FlushWithoutAWriteCacheDoesNothing) {
    transport.offered_features &= ~blk_feature::kFlush;
    VirtioBlk& device = start();
    ASSERT_TRUE(device.flush().ok());
    EXPECT_EQ(disk.flushes, 0);
}

TEST_F(VirtioBlkTest, DiscardSplitsAtTheDevicesLimit) {
    VirtioBlk& device = start();
    ASSERT_TRUE(device.discard(10, 600).ok());
    EXPECT_EQ(disk.discards, (std::vector<std::pair<uint64_t, uint32_t>>{{10, 256}, {266, 256}, {522, 88}}));
}

TEST_F(VirtioBlkTest, DiscardWithoutTheFeatureIsNotSupported) {
    transport.offered_features &= ~blk_feature::kDiscard;
    VirtioBlk& device = start();
    EXPECT_EQ(device.discard(0, 8).error(), Errno{EOPNOTSUPP});
}

TEST_F(VirtioBlkTest, ReadOnlyDiskRefusesWrites) {
    transport.offered_features |= blk_feature::kReadOnly;
    VirtioBlk& device = start();
    EXPECT_TRUE(device.read_only());
    std::vector<uint8_t> data(512);
    EXPECT_EQ(device.write(0, data).error(), Errno{EROFS});
    EXPECT_EQ(device.discard(0, 1).error(), Errno{EROFS});
    EXPECT_TRUE(device.read(0, data).ok());
}

TEST_F(VirtioBlkTest, DeviceStatusBecomesErrno) {
    VirtioBlk& device = start();
    std::vector<uint8_t> data(512);
    disk.forced_status = kBlkStatusIoError;
    EXPECT_EQ(device.read(0, data).error(), Errno{EIO});
    disk.forced_status = kBlkStatusUnsupported;
    EXPECT_EQ(device.flush().error(), Errno{EOPNOTSUPP});
    disk.forced_status = 77;  // not a status the specification defines
    EXPECT_EQ(device.write(0, data).error(), Errno{EIO});
    disk.forced_status = 0xFF;
    EXPECT_TRUE(device.read(0, data).ok());  // errors leave the device usable
}

TEST_F(VirtioBlkTest, ADeviceThatNeverAnswersFailsWithEioAndIsNotUsedAgain) {
    VirtioBlk& device = start(1'000'000);
    disk.answer = false;
    std::vector<uint8_t> data(512);
    EXPECT_EQ(device.read(0, data).error(), Errno{EIO});
    EXPECT_TRUE(device.dead());
    disk.answer = true;
    int waits = wait.waits;
    EXPECT_EQ(device.write(0, data).error(), Errno{EIO});
    EXPECT_EQ(device.flush().error(), Errno{EIO});
    EXPECT_EQ(wait.waits, waits);  // nothing more is sent to it
}

TEST_F(VirtioBlkTest, ADeviceThatNeverAnswersABatchFailsWithEio) {
    VirtioBlk& device = start(1'000'000);
    disk.answer = false;
    std::vector<uint8_t> a = pattern(512, 1);
    SectorWrite pieces[] = {{0, a}, {10, a}, {20, a}};
    EXPECT_EQ(device.write_scattered(pieces).error(), Errno{EIO});
    EXPECT_TRUE(device.dead());
}

TEST_F(VirtioBlkTest, HostileSizeMaxMakesTheDeviceUnusable) {
    set_config32(transport, kBlkConfigSizeMax, 100);
    VirtioBlk device(transport, wait);
    EXPECT_EQ(device.init().error(), Errno{ENODEV});
}

TEST_F(VirtioBlkTest, FreesItsPagesAndResetsTheDevice) {
    {
        VirtioBlk& device = start();
        (void)device;
        blk.reset();
    }
    EXPECT_EQ(transport.status_value, 0);
    EXPECT_EQ(physical_pages().free_pages(), free_pages_at_start);
}

}  // namespace
}  // namespace ingot::virtio
