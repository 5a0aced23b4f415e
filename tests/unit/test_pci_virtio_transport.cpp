// The virtio PCI transport (virtio 1.2 §4.1) over a hand-built configuration space whose BAR
// maps to a plain register file in host memory.
#include "fakes/fake_device_memory.h"
#include "fakes/fake_pci.h"

#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/virtio_pci_capabilities.h>
#include <drivers/virtio/virtio_pci_transport.h>
#include <drivers/virtio/virtio_spec.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace ingot::virtio {
namespace {

using fake_pci::Function;

constexpr pci::PciAddress kSlot{0, 2, 0};
constexpr uint64_t kBarAddress = 0x8'0000'0000ull;  // a 64-bit BAR above 4 GiB, as on q35

void put_cap(Function& f, uint8_t offset, uint8_t next, uint8_t type, uint32_t region_offset, uint32_t length,
             uint8_t cap_len = 16) {
    f.put8(offset, pci::kCapabilityVendor);
    f.put8(offset + 1, next);
    f.put8(offset + 2, cap_len);
    f.put8(offset + 3, type);
    f.put8(offset + 4, 4);  // BAR 4
    f.put32(offset + 8, region_offset);
    f.put32(offset + 12, length);
}

class PciVirtioTransportTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_device_memory::reset();
        fake_device_memory::add_region(kBarAddress, bar, sizeof(bar));
        Function& f = config.add(kSlot, 0x1AF4, 0x1041);
        f.put16(pci::kStatus, pci::kStatusCapabilities);
        f.put8(pci::kCapabilitiesPointer, 0x80);
        put_cap(f, 0x80, 0x70, kPciCapCommonConfig, 0x0000, 0x1000);
        put_cap(f, 0x70, 0x60, kPciCapIsrConfig, 0x1000, 0x1000);
        put_cap(f, 0x60, 0x4C, kPciCapDeviceConfig, 0x2000, 0x1000);
        put_cap(f, 0x4C, 0x00, kPciCapNotifyConfig, 0x3000, 0x1000, 20);
        f.put32(0x4C + 16, 4);           // notify_off_multiplier
        f.put32(0x20, 0x0000'000C);      // BAR 4: 64-bit prefetchable memory
        f.put32(0x24, static_cast<uint32_t>(kBarAddress >> 32));
        f.bar_sizes[4] = sizeof(bar);
        set16(0x12, 2);                  // num_queues
        set16(0x18, 256);                // queue_size
        set16(0x1E, 5);                  // queue_notify_off
        set32(0x04, 0x0000'0001);        // device_feature (both banks read the same here)
        bar[0x2000] = 0x52;              // device configuration: first MAC byte
    }

    uint16_t get16(uint32_t offset) const { uint16_t v; memcpy(&v, bar + offset, 2); return v; }
    uint32_t get32(uint32_t offset) const { uint32_t v; memcpy(&v, bar + offset, 4); return v; }
    void set16(uint32_t offset, uint16_t v) { memcpy(bar + offset, &v, 2); }
    void set32(uint32_t offset, uint32_t v) { memcpy(bar + offset, &v, 4); }
    pci::PciFunction function() { return pci::read_pci_function(config, kSlot).value(); }

    fake_pci::FakeConfigSpace config;
    alignas(16) uint8_t bar[0x4000] = {};
};

TEST_F(PciVirtioTransportTest, InitMapsTheWindowsAndEnablesTheFunction) {
    VirtioPciTransport transport(config, function());
    ASSERT_TRUE(transport.init().ok());
    EXPECT_EQ(transport.device_type(), kDeviceIdNetwork);
    EXPECT_EQ(fake_device_memory::map_count(), 4);
    EXPECT_EQ(config.read16(kSlot, pci::kCommand), pci::kCommandMemorySpace | pci::kCommandBusMaster);
    EXPECT_EQ(transport.device_features(), 0x1'0000'0001ull);
    uint8_t first;
    transport.read_device_config(0, &first, 1);
    EXPECT_EQ(first, 0x52);
}

TEST_F(PciVirtioTransportTest, QueueSetupFollowsTheSpecificationOrder) {
    VirtioPciTransport transport(config, function());
    ASSERT_TRUE(transport.init().ok());
    EXPECT_EQ(transport.max_queue_size(1), 256);
    EXPECT_EQ(transport.max_queue_size(2), 0);  // beyond num_queues
    transport.use_msix_entry(0);
    QueueLayout layout{128, 0x1000, 0x1800, 0x2000};
    ASSERT_TRUE(transport.enable_queue(1, layout).ok());
    EXPECT_EQ(get16(0x16), 1);       // queue_select
    EXPECT_EQ(get16(0x18), 128);     // queue_size
    EXPECT_EQ(get16(0x1A), 0);       // queue_msix_vector
    EXPECT_EQ(get16(0x10), 0xFFFF);  // config_msix_vector: none
    EXPECT_EQ(get32(0x20), 0x1000u);
    EXPECT_EQ(get32(0x28), 0x1800u);
    EXPECT_EQ(get32(0x30), 0x2000u);
    EXPECT_EQ(get16(0x1C), 1);       // queue_enable
    transport.notify_queue(1);
    EXPECT_EQ(get16(0x3000 + 5 * 4), 1);  // queue_notify_off * notify_off_multiplier
    transport.notify_queue(7);            // never set up: nothing written
    layout.size = 512;
    EXPECT_EQ(transport.enable_queue(1, layout).error(), Errno{EINVAL});
}

TEST_F(PciVirtioTransportTest, DoorbellOutsideTheNotifyWindowIsRefused) {
    VirtioPciTransport transport(config, function());
    ASSERT_TRUE(transport.init().ok());
    set16(0x1E, 0x400);  // 0x400 * 4 = 0x1000: past the 4 KiB window
    EXPECT_EQ(transport.enable_queue(0, {64, 0x1000, 0x1800, 0x2000}).error(), Errno{EIO});
}

TEST_F(PciVirtioTransportTest, IsrIsReadOnlyWithoutMsix) {
    VirtioPciTransport transport(config, function());
    ASSERT_TRUE(transport.init().ok());
    bar[0x1000] = 3;
    EXPECT_EQ(transport.acknowledge_interrupt(), 3u);
    transport.use_msix_entry(0);
    EXPECT_EQ(transport.acknowledge_interrupt(), 0u);
}

TEST_F(PciVirtioTransportTest, WindowReachingPastItsBarIsRefused) {
    Function& f = config.add(kSlot, 0x1AF4, 0x1041);
    put_cap(f, 0x60, 0x4C, kPciCapDeviceConfig, 0x3800, 0x1000);  // ends 0x800 past the BAR
    VirtioPciTransport transport(config, function());
    EXPECT_EQ(transport.init().error(), Errno{ENODEV});
}

TEST_F(PciVirtioTransportTest, NonVirtioFunctionIsRefused) {
    config.add(kSlot, 0x8086, 0x100E);
    VirtioPciTransport transport(config, function());
    EXPECT_EQ(transport.init().error(), Errno{ENODEV});
    EXPECT_EQ(fake_device_memory::map_count(), 0);
}

}  // namespace
}  // namespace ingot::virtio
