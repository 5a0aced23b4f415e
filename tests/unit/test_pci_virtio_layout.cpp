// The virtio vendor capabilities of a PCI function (virtio 1.2 §4.1.4), as QEMU lays them out
// and as a hostile device might.
#include "fakes/fake_pci.h"

#include <drivers/pci/pci_registers.h>
#include <drivers/virtio/virtio_pci_capabilities.h>
#include <drivers/virtio/virtio_pci_transport.h>

#include <gtest/gtest.h>

#include <cerrno>

namespace ingot::virtio {
namespace {

using fake_pci::FakeConfigSpace;
using fake_pci::Function;

constexpr pci::PciAddress kSlot{0, 2, 0};

// Writes a struct virtio_pci_cap at `offset` linking to `next`.
void put_cap(Function& f, uint8_t offset, uint8_t next, uint8_t type, uint8_t bar, uint32_t region_offset,
             uint32_t length, uint8_t cap_len = 16) {
    f.put8(offset, pci::kCapabilityVendor);
    f.put8(offset + 1, next);
    f.put8(offset + 2, cap_len);
    f.put8(offset + 3, type);
    f.put8(offset + 4, bar);
    f.put32(offset + 8, region_offset);
    f.put32(offset + 12, length);
}

// Shaped like QEMU's virtio-net-pci (hw/virtio/virtio-pci.c): MSI-X, then common, ISR, device
// and notify windows in BAR 4, then a PCI configuration access capability.
Function& qemu_like(FakeConfigSpace& config) {
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put16(pci::kStatus, pci::kStatusCapabilities);
    f.put8(pci::kCapabilitiesPointer, 0x98);
    f.put8(0x98, pci::kCapabilityMsix);
    f.put8(0x99, 0x84);
    put_cap(f, 0x84, 0x70, kPciCapCommonConfig, 4, 0x0000, 0x1000);
    put_cap(f, 0x70, 0x60, kPciCapIsrConfig, 4, 0x1000, 0x1000);
    put_cap(f, 0x60, 0x4C, kPciCapDeviceConfig, 4, 0x2000, 0x1000);
    put_cap(f, 0x4C, 0xA4, kPciCapNotifyConfig, 4, 0x3000, 0x1000, 20);
    f.put32(0x4C + 16, 4);  // notify_off_multiplier
    put_cap(f, 0xA4, 0x00, 5, 0, 0, 0, 20);  // VIRTIO_PCI_CAP_PCI_CFG
    return f;
}

TEST(PciVirtioLayout, ReadsQemusLayout) {
    FakeConfigSpace config;
    qemu_like(config);
    auto layout = read_virtio_pci_layout(config, kSlot);
    ASSERT_TRUE(layout.ok());
    EXPECT_EQ(layout.value().common.bar, 4);
    EXPECT_EQ(layout.value().common.length, 0x1000u);
    EXPECT_EQ(layout.value().isr.offset, 0x1000u);
    ASSERT_TRUE(layout.value().device);
    EXPECT_EQ(layout.value().device->offset, 0x2000u);
    EXPECT_EQ(layout.value().notify.offset, 0x3000u);
    EXPECT_EQ(layout.value().notify_offset_multiplier, 4u);
}

TEST(PciVirtioLayout, FirstUsableCapabilityOfEachTypeWins) {
    FakeConfigSpace config;
    Function& f = qemu_like(config);
    // A second common configuration later in the list is an alternative, not a replacement.
    put_cap(f, 0xA4, 0x00, kPciCapCommonConfig, 2, 0x8000, 0x100);
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).value().common.bar, 4);
    // An unusable first one (reserved BAR number) is skipped in favour of the next.
    put_cap(f, 0x84, 0x70, kPciCapCommonConfig, 7, 0x0000, 0x1000);
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).value().common.bar, 2);
}

TEST(PciVirtioLayout, SkipsMalformedCapabilities) {
    FakeConfigSpace config;
    Function& f = qemu_like(config);
    put_cap(f, 0x84, 0x70, kPciCapCommonConfig, 4, 0, 0x20);  // shorter than the 1.0 structure
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).error(), Errno{ENODEV});

    f = Function{};
    qemu_like(config);
    put_cap(f, 0x4C, 0xA4, kPciCapNotifyConfig, 4, 0x3000, 0x1000, 16);  // cap_len lacks the multiplier
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).error(), Errno{ENODEV});

    qemu_like(config);
    put_cap(f, 0x70, 0x60, kPciCapIsrConfig, 4, 0xFFFF'FFF0u, 0x100);  // offset + length wraps
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).error(), Errno{ENODEV});
}

TEST(PciVirtioLayout, NotifyCapabilityMustFitInConfigurationSpace) {
    FakeConfigSpace config;
    Function& f = qemu_like(config);
    // Move the notify capability to 0xF0: its 20 bytes would run past offset 255.
    f.put8(0x61, 0xF0);
    put_cap(f, 0xF0, 0xA4, kPciCapNotifyConfig, 4, 0x3000, 0x1000, 20);
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).error(), Errno{ENODEV});
}

TEST(PciVirtioLayout, LegacyOnlyDeviceHasNoModernLayout) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put16(pci::kStatus, pci::kStatusCapabilities);
    f.put8(pci::kCapabilitiesPointer, 0x40);
    f.put8(0x40, pci::kCapabilityMsix);
    EXPECT_EQ(read_virtio_pci_layout(config, kSlot).error(), Errno{ENODEV});
}

TEST(PciVirtioLayout, CapabilityLoopDoesNotHang) {
    FakeConfigSpace config;
    Function& f = qemu_like(config);
    f.put8(0xA5, 0x84);  // the last capability points back at the first vendor one
    EXPECT_TRUE(read_virtio_pci_layout(config, kSlot).ok());
}

TEST(PciVirtioDeviceType, ModernTransitionalAndForeign) {
    pci::PciFunction f;
    f.vendor_id = 0x1AF4;
    f.device_id = 0x1041;
    EXPECT_EQ(VirtioPciTransport::device_type_of(f), 1u);
    f.device_id = 0x1000;
    f.subsystem_id = 1;
    EXPECT_EQ(VirtioPciTransport::device_type_of(f), 1u);  // §4.1.2.1: the subsystem ID
    f.device_id = 0x1001;
    f.subsystem_id = 2;
    EXPECT_EQ(VirtioPciTransport::device_type_of(f), 2u);
    f.device_id = 0x1100;  // Red Hat's range, but not virtio
    EXPECT_FALSE(VirtioPciTransport::device_type_of(f));
    f.vendor_id = 0x8086;
    f.device_id = 0x1041;
    EXPECT_FALSE(VirtioPciTransport::device_type_of(f));
}

}  // namespace
}  // namespace ingot::virtio
