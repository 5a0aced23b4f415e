// The virtio-net driver (virtio 1.2 §5.1) against a fake device behind the transport
// interface, in fake physical memory.
#include "fakes/fake_machine.h"
#include "fakes/fake_virtio.h"

#include <drivers/virtio/virtio_net.h>
#include <drivers/virtio/virtio_spec.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace ingot::virtio {
namespace {

constexpr uint64_t kEverythingQemuOffers =
    feature::kVersion1 | feature::kEventIndex | feature::kIndirectDescriptors | net_feature::kMac |
    net_feature::kStatus | net_feature::kChecksum | net_feature::kGuestChecksum | net_feature::kGuestTso4 |
    net_feature::kHostTso4 | net_feature::kMergeableRxBuffers | net_feature::kControlQueue | net_feature::kMtu;

std::vector<uint8_t> frame_of(size_t length, uint8_t seed) {
    std::vector<uint8_t> frame(length);
    for (size_t i = 0; i < length; ++i) frame[i] = static_cast<uint8_t>(seed + i * 7);
    return frame;
}

class VirtioNetTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_machine::reset();
        free_pages_at_start = physical_pages().free_pages();
        transport.offered_features = kEverythingQemuOffers;
        const uint8_t mac[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        memcpy(transport.config.data(), mac, 6);
        transport.config[6] = kNetStatusLinkUp;
        net = std::make_unique<VirtioNet>(transport);
    }

    fake_virtio::RingDevice& rx() { return transport.rings[VirtioNet::kReceiveQueue]; }
    fake_virtio::RingDevice& tx() { return transport.rings[VirtioNet::kTransmitQueue]; }

    // The device takes every frame the driver queued for transmission and completes it.
    std::vector<std::vector<uint8_t>> device_transmits(bool complete = true) {
        std::vector<std::vector<uint8_t>> frames;
        while (auto chain = tx().pop_available()) {
            EXPECT_EQ(chain->writable_bytes(), 0u);
            frames.push_back(chain->read_all());
            if (complete) tx().push_used(chain->head, 0);
        }
        return frames;
    }

    // The device delivers one frame into the next receive buffer; false when none is posted.
    bool device_receives(const std::vector<uint8_t>& frame) {
        auto chain = rx().pop_available();
        if (!chain) return false;
        EXPECT_EQ(chain->readable_bytes(), 0u);
        std::vector<uint8_t> bytes(sizeof(VirtioNetHeader), 0);
        bytes[10] = 1;  // num_buffers
        bytes.insert(bytes.end(), frame.begin(), frame.end());
        uint32_t written = chain->write(bytes);
        rx().push_used(chain->head, written);
        return true;
    }

    std::vector<std::vector<uint8_t>> poll(size_t budget = SIZE_MAX) {
        std::vector<std::vector<uint8_t>> frames;
        net->poll_receive([&](std::span<const uint8_t> f) { frames.emplace_back(f.begin(), f.end()); }, budget);
        return frames;
    }

    size_t free_pages_at_start = 0;
    fake_virtio::FakeTransport transport{kDeviceIdNetwork};
    std::unique_ptr<VirtioNet> net;
};

TEST_F(VirtioNetTest, NegotiatesOnlyWhatTheDriverImplements) {
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(transport.driver_features,
              feature::kVersion1 | feature::kEventIndex | net_feature::kMac | net_feature::kStatus);
    EXPECT_EQ(net->features(), transport.driver_features);
    // §3.1.1: reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK.
    std::vector<uint8_t> expected = {0, 1, 3, 11, 15};
    EXPECT_EQ(transport.status_writes, expected);
    EXPECT_EQ(transport.notifications_before_driver_ok, 0);
}

TEST_F(VirtioNetTest, WorksWithoutEventIndexOrStatus) {
    transport.offered_features = feature::kVersion1 | net_feature::kMac;
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(transport.driver_features, feature::kVersion1 | net_feature::kMac);
    EXPECT_TRUE(net->link_up());  // §5.1.4.2: assumed up without VIRTIO_NET_F_STATUS
    ASSERT_TRUE(net->send_frame(frame_of(60, 1)).ok());
    EXPECT_EQ(transport.notifications[VirtioNet::kTransmitQueue], 1);
    EXPECT_EQ(device_transmits().size(), 1u);
}

TEST_F(VirtioNetTest, RefusesADeviceWithoutVersion1) {
    transport.offered_features = kEverythingQemuOffers & ~feature::kVersion1;
    EXPECT_EQ(net->init().error(), Errno{ENODEV});
    EXPECT_TRUE(transport.status_value & status::kFailed);
}

TEST_F(VirtioNetTest, RefusesADeviceThatRejectsTheFeatures) {
    transport.refuse_features = true;
    EXPECT_EQ(net->init().error(), Errno{ENODEV});
    EXPECT_TRUE(transport.status_value & status::kFailed);
    EXPECT_FALSE(transport.status_value & status::kDriverOk);
}

TEST_F(VirtioNetTest, RefusesOtherDeviceTypesAndMissingQueues) {
    fake_virtio::FakeTransport block(2);
    block.offered_features = feature::kVersion1;
    VirtioNet on_block(block);
    EXPECT_EQ(on_block.init().error(), Errno{ENODEV});

    fake_virtio::FakeTransport one_queue(kDeviceIdNetwork, 1);
    one_queue.offered_features = feature::kVersion1;
    VirtioNet short_device(one_queue);
    EXPECT_EQ(short_device.init().error(), Errno{ENODEV});
    EXPECT_TRUE(one_queue.status_value & status::kFailed);
    EXPECT_EQ(short_device.send_frame(frame_of(60, 0)).error(), Errno{EIO});
}

TEST_F(VirtioNetTest, InitTwiceIsAnError) {
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(net->init().error(), Errno{EINVAL});
}

TEST_F(VirtioNetTest, ReadsTheDeviceMacAndLinkStatus) {
    ASSERT_TRUE(net->init().ok());
    net::MacAddress expected{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
    EXPECT_EQ(net->mac_address(), expected);
    EXPECT_TRUE(net->link_up());
    transport.config[6] = 0;
    EXPECT_FALSE(net->link_up());
}

TEST_F(VirtioNetTest, RetriesConfigurationReadsTornByAGenerationChange) {
    transport.generation_changes_left = 1;
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(transport.config_reads, 2);
    EXPECT_EQ(net->mac_address().bytes[5], 0x56);
}

TEST_F(VirtioNetTest, MakesUpALocalUnicastMacWithoutTheMacFeature) {
    transport.offered_features = feature::kVersion1;
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(net->mac_address().bytes[0] & 0x03, 0x02);  // locally administered, unicast
}

TEST_F(VirtioNetTest, QueueSizesAreCappedAndRoundedToPowersOfTwo) {
    transport.max_sizes = {1024, 100};
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(rx().available_count(), 256);  // every receive buffer posted
    for (int i = 0; i < 64; ++i) ASSERT_TRUE(net->send_frame(frame_of(60, 0)).ok());
    EXPECT_EQ(net->send_frame(frame_of(60, 0)).error(), Errno{ENOBUFS});  // 100 -> 64 slots
}

TEST_F(VirtioNetTest, ReceiveQueueIsFullOfTwoKilobyteBuffersAfterInit) {
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(rx().available_count(), 256);
    EXPECT_GE(transport.notifications[VirtioNet::kReceiveQueue], 1);
    auto chain = rx().pop_available();
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->parts.size(), 1u);
    EXPECT_EQ(chain->parts[0].length, VirtioNet::kBufferBytes);
    EXPECT_EQ(chain->parts[0].flags, kDescriptorWrite);
}

TEST_F(VirtioNetTest, TransmitsTheHeaderThenTheFrame) {
    ASSERT_TRUE(net->init().ok());
    auto frame = frame_of(1514, 3);
    ASSERT_TRUE(net->send_frame(frame).ok());
    auto sent = device_transmits();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].size(), sizeof(VirtioNetHeader) + frame.size());
    EXPECT_EQ(std::vector<uint8_t>(sent[0].begin(), sent[0].begin() + 12), std::vector<uint8_t>(12, 0));
    EXPECT_EQ(std::vector<uint8_t>(sent[0].begin() + 12, sent[0].end()), frame);
}

TEST_F(VirtioNetTest, RejectsFramesOutsideEthernetSizes) {
    ASSERT_TRUE(net->init().ok());
    EXPECT_EQ(net->send_frame(frame_of(13, 0)).error(), Errno{EMSGSIZE});
    EXPECT_EQ(net->send_frame(frame_of(VirtioNet::kMaxFrameBytes + 1, 0)).error(), Errno{EMSGSIZE});
    EXPECT_EQ(net->send_frame({}).error(), Errno{EMSGSIZE});
    EXPECT_TRUE(net->send_frame(frame_of(VirtioNet::kMaxFrameBytes, 0)).ok());
}

TEST_F(VirtioNetTest, FullTransmitQueueReportsNoBuffersUntilCompletionsAreReclaimed) {
    ASSERT_TRUE(net->init(8).ok());
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(net->send_frame(frame_of(60, i)).ok());
    EXPECT_EQ(net->send_frame(frame_of(60, 9)).error(), Errno{ENOBUFS});
    EXPECT_EQ(net->statistics().transmit_full, 1u);
    auto sent = device_transmits(false);  // the device has them but has not finished
    EXPECT_EQ(sent.size(), 8u);
    EXPECT_EQ(net->send_frame(frame_of(60, 9)).error(), Errno{ENOBUFS});
    tx().push_used(0, 0);  // one completes
    EXPECT_TRUE(net->send_frame(frame_of(60, 9)).ok());
}

TEST_F(VirtioNetTest, SustainedTransmitNeitherLeaksNorStalls) {
    ASSERT_TRUE(net->init(4).ok());
    size_t sent = 0;
    for (int i = 0; i < 70000; ++i) {
        ASSERT_TRUE(net->send_frame(frame_of(60 + i % 1000, static_cast<uint8_t>(i))).ok()) << i;
        if (i % 3 == 2) sent += device_transmits().size();
    }
    sent += device_transmits().size();
    EXPECT_EQ(sent, 70000u);
    EXPECT_EQ(net->reclaim_transmitted(), 4u);
    EXPECT_EQ(net->statistics().frames_sent, 70000u);
    // With event indexes the device is notified far less than once per frame.
    EXPECT_LT(transport.notifications[VirtioNet::kTransmitQueue], 70000 / 2);
}

TEST_F(VirtioNetTest, DeliversReceivedFramesAndKeepsTheQueueFull) {
    ASSERT_TRUE(net->init().ok());
    auto a = frame_of(60, 1), b = frame_of(1514, 2);
    ASSERT_TRUE(device_receives(a));
    ASSERT_TRUE(device_receives(b));
    EXPECT_TRUE(net->receive_pending());
    auto frames = poll();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], a);
    EXPECT_EQ(frames[1], b);
    EXPECT_FALSE(net->receive_pending());
    EXPECT_EQ(rx().available_count(), 256);  // both buffers went straight back
    EXPECT_EQ(net->statistics().frames_received, 2u);
}

TEST_F(VirtioNetTest, ReceiveBudgetLeavesTheRestForTheNextPoll) {
    ASSERT_TRUE(net->init().ok());
    for (uint8_t i = 0; i < 5; ++i) ASSERT_TRUE(device_receives(frame_of(100, i)));
    EXPECT_EQ(poll(2).size(), 2u);
    EXPECT_TRUE(net->receive_pending());
    auto rest = poll();
    ASSERT_EQ(rest.size(), 3u);
    EXPECT_EQ(rest[0], frame_of(100, 2));
}

TEST_F(VirtioNetTest, ShortBuffersAreDroppedAndRecycled) {
    ASSERT_TRUE(net->init(4).ok());
    for (uint32_t written : {0u, 11u, 12u, 25u}) {
        auto chain = rx().pop_available();
        ASSERT_TRUE(chain);
        rx().push_used(chain->head, written);
    }
    EXPECT_TRUE(poll().empty());
    EXPECT_EQ(net->statistics().receive_errors, 4u);
    EXPECT_EQ(rx().available_count(), 4);
}

TEST_F(VirtioNetTest, OversizedDeviceLengthIsClampedToTheBuffer) {
    ASSERT_TRUE(net->init(4).ok());
    auto chain = rx().pop_available();
    rx().push_used(chain->head, 100000);
    auto frames = poll();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].size(), VirtioNet::kBufferBytes - sizeof(VirtioNetHeader));
}

TEST_F(VirtioNetTest, ReceivesPastTheIndexWrapWithoutLosingBuffers) {
    ASSERT_TRUE(net->init(8).ok());
    size_t delivered = 0;
    for (int i = 0; i < 70000; ++i) {
        ASSERT_TRUE(device_receives(frame_of(64, static_cast<uint8_t>(i)))) << i;
        if (i % 5 == 4) {
            auto frames = poll();
            delivered += frames.size();
            ASSERT_EQ(frames.back(), frame_of(64, static_cast<uint8_t>(i)));
            ASSERT_EQ(rx().available_count(), 8);
        }
    }
    EXPECT_EQ(delivered, 70000u);
}

TEST_F(VirtioNetTest, HostileUsedRingStopsTheDriverCleanly) {
    ASSERT_TRUE(net->init(4).ok());
    rx().push_used(77, 100);  // a chain the driver never posted
    EXPECT_TRUE(poll().empty());
    EXPECT_FALSE(net->receive_pending() && !poll().empty());
    tx().push_used(3, 0);  // transmit slot 3 was never sent
    net->reclaim_transmitted();
    EXPECT_EQ(net->send_frame(frame_of(60, 0)).error(), Errno{EIO});
}

TEST_F(VirtioNetTest, InterruptHandlerAcknowledgesTheDevice) {
    ASSERT_TRUE(net->init().ok());
    transport.interrupt_status = 1;
    net->handle_interrupt();
    EXPECT_EQ(transport.interrupt_acks, 1);
    EXPECT_EQ(transport.interrupt_status, 0u);
    EXPECT_EQ(net->statistics().interrupts, 1u);
}

TEST_F(VirtioNetTest, DestructionResetsTheDeviceAndFreesEveryPage) {
    ASSERT_TRUE(net->init().ok());
    EXPECT_LT(physical_pages().free_pages(), free_pages_at_start);
    net.reset();
    EXPECT_EQ(transport.status_value, 0);
    EXPECT_EQ(physical_pages().free_pages(), free_pages_at_start);
}

TEST(VirtioNetHeaderLayout, MatchesTheSpecification) {
    // §5.1.6: flags, gso_type, then five little-endian 16-bit fields; 12 bytes in all.
    VirtioNetHeader header{kNetHeaderNeedsChecksum, 1, 0x0102, 0x0304, 0x0506, 0x0708, 0x090A};
    uint8_t bytes[sizeof(header)];
    memcpy(bytes, &header, sizeof(header));
    const uint8_t expected[] = {1, 1, 2, 1, 4, 3, 6, 5, 8, 7, 0x0A, 9};
    ASSERT_EQ(sizeof(bytes), sizeof(expected));
    EXPECT_EQ(memcmp(bytes, expected, sizeof(expected)), 0);
}

}  // namespace
}  // namespace ingot::virtio
