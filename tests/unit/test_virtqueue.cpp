// The split virtqueue (virtio 1.2 §2.7) against a device simulated in fake physical memory.
#include "fakes/fake_machine.h"
#include "fakes/fake_virtio.h"

#include <drivers/virtio/split_virtqueue.h>
#include <drivers/virtio/virtio_spec.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <gtest/gtest.h>

#include <set>

namespace ingot::virtio {
namespace {

using fake_virtio::RingDevice;

void* token(uintptr_t n) { return reinterpret_cast<void*>(n); }

class VirtqueueTest : public ::testing::Test {
protected:
    void SetUp() override { fake_machine::reset(); }

    void start(uint16_t size, bool event_index = false) {
        ASSERT_TRUE(queue.init(size, event_index).ok());
        device.attach(queue.layout(), event_index);
    }

    SplitVirtqueue queue;
    RingDevice device;
};

TEST_F(VirtqueueTest, RejectsSizesThatAreNotPowersOfTwo) {
    SplitVirtqueue q;
    EXPECT_EQ(q.init(0, false).error(), Errno{EINVAL});
    EXPECT_EQ(q.init(3, false).error(), Errno{EINVAL});
    EXPECT_EQ(q.init(1000, false).error(), Errno{EINVAL});
    EXPECT_TRUE(q.init(1, false).ok());
    EXPECT_EQ(q.init(2, false).error(), Errno{EINVAL});  // only once
}

TEST_F(VirtqueueTest, LayoutMeetsAlignmentAndFitsItsPages) {
    start(256);
    QueueLayout l = queue.layout();
    EXPECT_EQ(l.size, 256);
    EXPECT_EQ(l.descriptor_table % 16, 0u);
    EXPECT_EQ(l.available_ring % 2, 0u);
    EXPECT_EQ(l.used_ring % 4, 0u);
    EXPECT_GE(l.available_ring, l.descriptor_table + descriptor_table_bytes(256));
    EXPECT_GE(l.used_ring, l.available_ring + available_ring_bytes(256));
    EXPECT_EQ(queue.free_descriptors(), 256);
}

TEST_F(VirtqueueTest, LargestQueueSizeWorks) {
    start(32768);
    DeviceBuffer part{0x1000, 8};
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    auto chain = device.pop_available();
    ASSERT_TRUE(chain);
    device.push_used(chain->head, 0);
    EXPECT_EQ(queue.take_used()->token, token(1));
}

TEST_F(VirtqueueTest, DeviceSeesChainWithReadablePartsFirst) {
    start(8);
    DeviceBuffer readable[] = {{0x10000, 12}, {0x20000, 100}};
    DeviceBuffer writable[] = {{0x30000, 2048}};
    ASSERT_TRUE(queue.add_buffer(readable, writable, token(7)).ok());
    EXPECT_EQ(queue.free_descriptors(), 5);
    EXPECT_EQ(queue.in_flight(), 1);
    EXPECT_EQ(device.available_index(), 1);

    auto chain = device.pop_available();
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->parts.size(), 3u);
    EXPECT_EQ(chain->parts[0].address, 0x10000u);
    EXPECT_EQ(chain->parts[0].length, 12u);
    EXPECT_EQ(chain->parts[0].flags, kDescriptorNext);
    EXPECT_EQ(chain->parts[1].address, 0x20000u);
    EXPECT_EQ(chain->parts[1].flags, kDescriptorNext);
    EXPECT_EQ(chain->parts[2].address, 0x30000u);
    EXPECT_EQ(chain->parts[2].flags, kDescriptorWrite);
    EXPECT_FALSE(device.pop_available());

    EXPECT_FALSE(queue.take_used());
    device.push_used(chain->head, 1500);
    EXPECT_TRUE(queue.has_used());
    auto used = queue.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->token, token(7));
    EXPECT_EQ(used->written_length, 1500u);
    EXPECT_EQ(queue.free_descriptors(), 8);
    EXPECT_EQ(queue.in_flight(), 0);
    EXPECT_FALSE(queue.take_used());
}

TEST_F(VirtqueueTest, RejectsEmptyAndZeroLengthChains) {
    start(4);
    DeviceBuffer zero{0x1000, 0}, good{0x1000, 10};
    EXPECT_EQ(queue.add_buffer({}, {}, nullptr).error(), Errno{EINVAL});
    EXPECT_EQ(queue.add_buffer({&zero, 1}, {}, nullptr).error(), Errno{EINVAL});
    EXPECT_EQ(queue.add_buffer({&good, 1}, {&zero, 1}, nullptr).error(), Errno{EINVAL});
    DeviceBuffer five[5] = {good, good, good, good, good};
    EXPECT_EQ(queue.add_buffer(five, {}, nullptr).error(), Errno{EINVAL});  // longer than the ring
    DeviceBuffer huge[2] = {{0x1000, 0xFFFF'FFFFu}, {0x2000, 1}};
    EXPECT_EQ(queue.add_buffer(huge, {}, nullptr).error(), Errno{EINVAL});  // over 2^32 bytes
    EXPECT_EQ(queue.free_descriptors(), 4);
    EXPECT_EQ(device.available_index(), 0);
}

TEST_F(VirtqueueTest, ExhaustedFreeListReportsNoSpaceUntilTheDeviceReturnsChains) {
    start(4);
    DeviceBuffer part{0x1000, 64};
    DeviceBuffer pair[2] = {part, part};
    ASSERT_TRUE(queue.add_buffer(pair, {}, token(1)).ok());
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(2)).ok());
    EXPECT_EQ(queue.add_buffer(pair, {}, token(3)).error(), Errno{ENOSPC});  // one left, two needed
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(4)).ok());
    EXPECT_EQ(queue.add_buffer({&part, 1}, {}, token(5)).error(), Errno{ENOSPC});
    EXPECT_EQ(queue.free_descriptors(), 0);

    auto first = device.pop_available();
    device.push_used(first->head, 0);
    ASSERT_EQ(queue.take_used()->token, token(1));
    EXPECT_EQ(queue.free_descriptors(), 2);
    EXPECT_TRUE(queue.add_buffer(pair, {}, token(3)).ok());
}

TEST_F(VirtqueueTest, OutOfOrderCompletionKeepsDescriptorsDistinct) {
    start(8);
    DeviceBuffer part{0x1000, 64};
    std::vector<fake_virtio::Chain> outstanding;
    uintptr_t next_token = 1;
    std::set<uintptr_t> expected_tokens;
    // Fill with chains of 1-3 descriptors, complete them in a scrambled order, repeat.
    for (int round = 0; round < 200; ++round) {
        while (true) {
            size_t length = 1 + (next_token % 3);
            std::vector<DeviceBuffer> parts(length, part);
            auto added = queue.add_buffer(parts, {}, token(next_token));
            if (!added.ok()) {
                ASSERT_EQ(added.error(), Errno{ENOSPC});
                break;
            }
            expected_tokens.insert(next_token++);
        }
        std::set<uint16_t> descriptors_in_use;
        while (auto chain = device.pop_available()) outstanding.push_back(*chain);
        for (const auto& chain : outstanding) {
            // Every descriptor of every outstanding chain is distinct.
            uint16_t index = chain.head;
            EXPECT_TRUE(descriptors_in_use.insert(index).second);
            for (size_t i = 1; i < chain.parts.size(); ++i) {
                index = chain.parts[i - 1].next;
                EXPECT_TRUE(descriptors_in_use.insert(index).second);
            }
        }
        // Complete every other outstanding chain, newest first.
        std::vector<fake_virtio::Chain> keep;
        for (size_t i = outstanding.size(); i-- > 0;) {
            if ((i + round) % 2 == 0) device.push_used(outstanding[i].head, 0);
            else keep.push_back(outstanding[i]);
        }
        outstanding = keep;
        while (auto used = queue.take_used()) {
            EXPECT_EQ(expected_tokens.erase(reinterpret_cast<uintptr_t>(used->token)), 1u);
        }
        EXPECT_EQ(queue.in_flight(), outstanding.size());
    }
    EXPECT_FALSE(queue.broken());
}

TEST_F(VirtqueueTest, IndicesWrapPast65535) {
    start(4);
    DeviceBuffer part{0x1000, 32};
    for (uint32_t i = 0; i < 70000; ++i) {
        ASSERT_TRUE(queue.add_buffer({}, {&part, 1}, token(i + 1)).ok()) << i;
        auto chain = device.pop_available();
        ASSERT_TRUE(chain) << i;
        device.push_used(chain->head, 16);
        auto used = queue.take_used();
        ASSERT_TRUE(used) << i;
        ASSERT_EQ(used->token, token(i + 1));
        ASSERT_EQ(used->written_length, 16u);
    }
    EXPECT_EQ(device.available_index(), static_cast<uint16_t>(70000));
    EXPECT_EQ(device.used_index(), static_cast<uint16_t>(70000));
    EXPECT_EQ(queue.free_descriptors(), 4);
}

TEST_F(VirtqueueTest, FullRingAcrossTheWrap) {
    start(8);
    DeviceBuffer part{0x1000, 32};
    uintptr_t sent = 0, received = 0;
    // Keep the ring completely full while the indices wrap several times.
    while (received < 3 * 65536) {
        while (queue.add_buffer({&part, 1}, {}, token(sent + 1)).ok()) ++sent;
        while (auto chain = device.pop_available()) device.push_used(chain->head, 0);
        while (auto used = queue.take_used()) ASSERT_EQ(used->token, token(++received));
    }
    EXPECT_EQ(sent, received);
    EXPECT_FALSE(queue.broken());
}

TEST_F(VirtqueueTest, WrittenLengthIsClampedToTheWritablePart) {
    start(4);
    DeviceBuffer readable{0x1000, 100}, writable{0x2000, 50};
    ASSERT_TRUE(queue.add_buffer({&readable, 1}, {&writable, 1}, token(1)).ok());
    device.push_used(device.pop_available()->head, 4000);
    EXPECT_EQ(queue.take_used()->written_length, 50u);
}

TEST_F(VirtqueueTest, UnknownUsedIdBreaksTheQueue) {
    start(4);
    DeviceBuffer part{0x1000, 8};
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    device.push_used(9, 0);  // beyond the ring
    EXPECT_FALSE(queue.take_used());
    EXPECT_TRUE(queue.broken());
    EXPECT_EQ(queue.add_buffer({&part, 1}, {}, token(2)).error(), Errno{EIO});
}

TEST_F(VirtqueueTest, UsedIdNotInFlightBreaksTheQueue) {
    start(4);
    DeviceBuffer part{0x1000, 8};
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    auto chain = device.pop_available();
    device.push_used(chain->head, 0);
    device.push_used(chain->head, 0);  // the same chain twice
    EXPECT_TRUE(queue.take_used());
    EXPECT_FALSE(queue.take_used());
    EXPECT_TRUE(queue.broken());
    EXPECT_EQ(queue.free_descriptors(), 4);  // the free list was not corrupted
}

TEST_F(VirtqueueTest, UsedIndexRunningAheadOfTheRingBreaksTheQueue) {
    start(4);
    device.advance_used_index(5);
    EXPECT_FALSE(queue.take_used());
    EXPECT_TRUE(queue.broken());
}

TEST_F(VirtqueueTest, NotificationFollowsTheNoNotifyFlag) {
    start(4);
    DeviceBuffer part{0x1000, 8};
    EXPECT_FALSE(queue.needs_notification());  // nothing added
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    EXPECT_TRUE(queue.needs_notification());
    EXPECT_FALSE(queue.needs_notification());  // already told
    device.set_used_flags(kUsedNoNotify);
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(2)).ok());
    EXPECT_FALSE(queue.needs_notification());
    device.set_used_flags(0);
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(3)).ok());
    EXPECT_TRUE(queue.needs_notification());
}

TEST_F(VirtqueueTest, NotificationFollowsTheAvailableEventWithEventIndex) {
    start(8, true);
    device.track_available_event = false;
    DeviceBuffer part{0x1000, 8};
    device.set_available_event(0);  // wants to hear when entry 0 is added
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    EXPECT_TRUE(queue.needs_notification());
    // The device asks for a notification only once entry 3 is made available.
    device.set_available_event(3);
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(2)).ok());
    EXPECT_FALSE(queue.needs_notification());  // index 1 -> 2
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(3)).ok());
    EXPECT_FALSE(queue.needs_notification());  // 2 -> 3
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(4)).ok());
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(5)).ok());
    EXPECT_TRUE(queue.needs_notification());  // 3 -> 5 crosses entry 3
    EXPECT_EQ(device.available_flags(), 0);    // §2.7.7.2: flags stay 0 with event indexes
}

TEST_F(VirtqueueTest, InterruptSuppressionWithoutEventIndex) {
    start(4);
    EXPECT_EQ(device.available_flags(), 0);
    queue.disable_interrupts();
    EXPECT_EQ(device.available_flags(), kAvailNoInterrupt);
    EXPECT_FALSE(queue.enable_interrupts());
    EXPECT_EQ(device.available_flags(), 0);

    DeviceBuffer part{0x1000, 8};
    ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(1)).ok());
    queue.disable_interrupts();
    device.push_used(device.pop_available()->head, 0);
    EXPECT_TRUE(queue.enable_interrupts());  // something is already waiting: poll again
}

TEST_F(VirtqueueTest, UsedEventTracksConsumptionWithEventIndex) {
    start(4, true);
    DeviceBuffer part{0x1000, 8};
    for (uintptr_t i = 1; i <= 6; ++i) {
        ASSERT_TRUE(queue.add_buffer({&part, 1}, {}, token(i)).ok());
        device.push_used(device.pop_available()->head, 0);
        ASSERT_TRUE(queue.take_used());
        EXPECT_EQ(device.used_event(), static_cast<uint16_t>(i));  // interrupt at the next entry
    }
    queue.disable_interrupts();
    uint16_t parked = device.used_event();
    EXPECT_FALSE(need_event(parked, 7, 6));  // the device's next step does not reach it
    EXPECT_FALSE(queue.enable_interrupts());
    EXPECT_EQ(device.used_event(), 6);
}

TEST_F(VirtqueueTest, DestructionReturnsEveryPage) {
    size_t before = physical_pages().free_pages();
    {
        SplitVirtqueue q;
        ASSERT_TRUE(q.init(1024, true).ok());
        EXPECT_LT(physical_pages().free_pages(), before);
    }
    EXPECT_EQ(physical_pages().free_pages(), before);
}

TEST(VirtqueueNeedEvent, MatchesTheSpecificationFormula) {
    // §2.7.10: notify when the event index lies in (old, new].
    EXPECT_TRUE(need_event(5, 6, 5));
    EXPECT_FALSE(need_event(6, 6, 5));
    EXPECT_TRUE(need_event(0xFFFF, 2, 0xFFF0));  // across the wrap
    EXPECT_FALSE(need_event(3, 2, 0xFFF0));
}

}  // namespace
}  // namespace ingot::virtio
