// PCI enumeration and capability parsing against hand-built configuration spaces, including
// hostile ones: capability loops, pointers into the header or off the end, bogus BARs.
#include "fakes/fake_pci.h"

#include <drivers/pci/msix.h>
#include <drivers/pci/pci_bus_scan.h>
#include <drivers/pci/pci_capabilities.h>
#include <drivers/pci/pci_function.h>
#include <drivers/pci/pci_registers.h>

#include <gtest/gtest.h>

#include <cerrno>

namespace ingot::pci {
namespace {

using fake_pci::FakeConfigSpace;
using fake_pci::Function;

constexpr PciAddress kSlot{0, 3, 0};

// Links capabilities: each (offset, id) points at the next; the last ends the list.
void chain(Function& f, std::initializer_list<std::pair<uint8_t, uint8_t>> caps) {
    f.put16(kStatus, kStatusCapabilities);
    f.put8(kCapabilitiesPointer, caps.size() ? caps.begin()->first : 0);
    for (auto it = caps.begin(); it != caps.end(); ++it) {
        auto next = it + 1;
        f.put8(it->first, it->second);
        f.put8(it->first + 1, next == caps.end() ? 0 : next->first);
    }
}

TEST(PciCapabilities, WalksTheListInOrder) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1041);
    chain(f, {{0x98, 0x11}, {0x84, 0x09}, {0x70, 0x09}, {0x40, 0x05}});
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_FALSE(list.malformed);
    ASSERT_EQ(list.capabilities.size(), 4u);
    EXPECT_EQ(list.capabilities[0].offset, 0x98);
    EXPECT_EQ(list.capabilities[0].id, 0x11);
    EXPECT_EQ(list.capabilities[3].offset, 0x40);
    EXPECT_EQ(find_pci_capability(config, kSlot, kCapabilityMsix), 0x98);
    EXPECT_EQ(find_pci_capability(config, kSlot, kCapabilityVendor), 0x84);  // the first one
    EXPECT_FALSE(find_pci_capability(config, kSlot, 0x10));
}

TEST(PciCapabilities, NoneWithoutTheStatusBit) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0x40, 0x05}});
    f.put16(kStatus, 0);
    EXPECT_TRUE(read_pci_capabilities(config, kSlot).capabilities.empty());
}

TEST(PciCapabilities, MasksTheReservedLowBitsOfPointers) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0x50, 0x11}, {0x60, 0x09}});
    f.put8(kCapabilitiesPointer, 0x53);
    f.put8(0x51, 0x62);
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    ASSERT_EQ(list.capabilities.size(), 2u);
    EXPECT_EQ(list.capabilities[1].offset, 0x60);
}

TEST(PciCapabilities, LoopEndsTheWalk) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0x40, 0x05}, {0x50, 0x11}, {0x60, 0x09}});
    f.put8(0x61, 0x50);  // back to the second capability
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_TRUE(list.malformed);
    EXPECT_EQ(list.capabilities.size(), 3u);
}

TEST(PciCapabilities, SelfLoopEndsTheWalk) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0x40, 0x05}});
    f.put8(0x41, 0x40);
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_TRUE(list.malformed);
    EXPECT_EQ(list.capabilities.size(), 1u);
}

TEST(PciCapabilities, PointerIntoTheHeaderIsRejected) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0x40, 0x05}});
    f.put8(0x41, 0x10);  // would read the BARs as capabilities
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_TRUE(list.malformed);
    EXPECT_EQ(list.capabilities.size(), 1u);

    f.put8(kCapabilitiesPointer, 0x04);
    list = read_pci_capabilities(config, kSlot);
    EXPECT_TRUE(list.malformed);
    EXPECT_TRUE(list.capabilities.empty());
}

TEST(PciCapabilities, LastDwordIsTheHighestValidPointer) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    chain(f, {{0xFC, 0x11}});
    f.put8(0xFD, 0xFF);  // masked to 0xFC: a loop
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_TRUE(list.malformed);
    ASSERT_EQ(list.capabilities.size(), 1u);
    EXPECT_EQ(list.capabilities[0].offset, 0xFC);
}

TEST(PciCapabilities, EveryDwordACapabilityIsTheMaximum) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x8086, 0x100E);
    f.put16(kStatus, kStatusCapabilities);
    f.put8(kCapabilitiesPointer, 0x40);
    for (unsigned offset = 0x40; offset <= 0xFC; offset += 4) {
        f.put8(static_cast<uint8_t>(offset), 0x09);
        f.put8(static_cast<uint8_t>(offset + 1), offset == 0xFC ? 0 : static_cast<uint8_t>(offset + 4));
    }
    PciCapabilityList list = read_pci_capabilities(config, kSlot);
    EXPECT_FALSE(list.malformed);
    EXPECT_EQ(list.capabilities.size(), kMaxCapabilities);
}

TEST(PciFunctionTest, ReadsIdentityAndRefusesEmptySlots) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put32(kRevisionId, 0x02000001);  // network controller, Ethernet, revision 1
    f.put16(kSubsystemId, 1);
    f.put8(kHeaderType, 0x80);
    auto function = read_pci_function(config, kSlot);
    ASSERT_TRUE(function.ok());
    EXPECT_EQ(function.value().device_id, 0x1000);
    EXPECT_EQ(function.value().base_class, 2);
    EXPECT_EQ(function.value().revision, 1);
    EXPECT_EQ(function.value().subsystem_id, 1);
    EXPECT_TRUE(function.value().multi_function);
    EXPECT_EQ(read_pci_function(config, {0, 4, 0}).error(), Errno{ENODEV});
    EXPECT_EQ(read_pci_function(config, {0, 32, 0}).error(), Errno{EINVAL});
}

TEST(PciBusScan, FindsFunctionsOfMultiFunctionDevicesOnly) {
    FakeConfigSpace config;
    config.add({0, 0, 0}, 0x8086, 0x29C0);
    config.add({0, 0, 3}, 0x8086, 0x1234);  // ignored: device 0 is single-function
    config.add({0, 1, 0}, 0x8086, 0x2918).put8(kHeaderType, 0x80);
    config.add({0, 1, 2}, 0x8086, 0x2922);
    config.add({0, 31, 0}, 0x1AF4, 0x1041);
    config.add({1, 0, 0}, 0x1AF4, 0x1041);  // another bus
    auto found = scan_pci_bus(config, 0);
    ASSERT_EQ(found.size(), 4u);
    EXPECT_EQ(found[1].address.device, 1);
    EXPECT_EQ(found[2].address.function, 2);
    EXPECT_EQ(found[3].address.device, 31);
}

TEST(PciBar, DecodesAndSizes32BitMemory) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put32(0x14, 0xFEBD'1000);
    f.bar_sizes[1] = 0x1000;
    f.put16(kCommand, kCommandMemorySpace | kCommandIoSpace);
    auto function = read_pci_function(config, kSlot).value();
    auto bar = read_pci_bar(config, function, 1);
    ASSERT_TRUE(bar.ok());
    EXPECT_EQ(bar.value().address, 0xFEBD'1000u);
    EXPECT_EQ(bar.value().size, 0x1000u);
    EXPECT_FALSE(bar.value().is_io);
    EXPECT_FALSE(bar.value().is_64bit);
    // The BAR and the command register are back as they were.
    EXPECT_EQ(config.read32(kSlot, 0x14), 0xFEBD'1000u);
    EXPECT_EQ(config.read16(kSlot, kCommand), kCommandMemorySpace | kCommandIoSpace);
}

TEST(PciBar, DecodesAndSizes64BitPrefetchableMemory) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put32(0x20, 0x0000'400Cu);  // BAR 4: 64-bit, prefetchable
    f.put32(0x24, 0x0000'0008u);  // at 0x8'0000'4000
    f.bar_sizes[4] = 0x4000;
    auto function = read_pci_function(config, kSlot).value();
    auto bar = read_pci_bar(config, function, 4);
    ASSERT_TRUE(bar.ok());
    EXPECT_EQ(bar.value().address, 0x8'0000'4000ull);
    EXPECT_EQ(bar.value().size, 0x4000u);
    EXPECT_TRUE(bar.value().is_64bit);
    EXPECT_TRUE(bar.value().prefetchable);
    EXPECT_EQ(config.read32(kSlot, 0x24), 8u);
}

TEST(PciBar, DecodesIoPorts) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    f.put32(0x10, 0xC041);
    f.bar_sizes[0] = 0x20;
    auto bar = read_pci_bar(config, read_pci_function(config, kSlot).value(), 0);
    ASSERT_TRUE(bar.ok());
    EXPECT_TRUE(bar.value().is_io);
    EXPECT_EQ(bar.value().address, 0xC040u);
    EXPECT_EQ(bar.value().size, 0x20u);
}

TEST(PciBar, RefusesMissingUnassignedAndBogusBars) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    auto function = read_pci_function(config, kSlot).value();
    EXPECT_EQ(read_pci_bar(config, function, 2).error(), Errno{ENODEV});  // not implemented
    f.bar_sizes[3] = 0x1000;  // implemented, address 0
    EXPECT_EQ(read_pci_bar(config, function, 3).error(), Errno{ENODEV});
    f.put32(0x24, 0xFE00'0004);  // BAR 5 claims 64 bits: no room for the upper half
    EXPECT_EQ(read_pci_bar(config, function, 5).error(), Errno{EINVAL});
    EXPECT_EQ(read_pci_bar(config, function, 6).error(), Errno{EINVAL});
    function.header_type = 1;  // a bridge: different BAR layout
    EXPECT_EQ(read_pci_bar(config, function, 0).error(), Errno{EINVAL});
}

TEST(PciBar, NonContiguousSizeMaskIsRefused) {
    // A device whose writable bits have a hole cannot have a sane size.
    class HoleySpace final : public PciConfigSpace {
    public:
        uint32_t read(PciAddress, uint8_t offset, unsigned) override {
            if (offset == 0x10) return sizing ? 0xFFFF'0F00u : 0xFEB0'0000u;
            return offset == 0 ? 0x10001AF4u : 0;
        }
        void write(PciAddress, uint8_t offset, unsigned, uint32_t value) override {
            if (offset == 0x10) sizing = value == 0xFFFF'FFFFu;
        }
        bool sizing = false;
    } config;
    auto function = read_pci_function(config, kSlot).value();
    EXPECT_EQ(read_pci_bar(config, function, 0).error(), Errno{ENODEV});
}

TEST(Msix, ParsesTheCapabilityAndChecksTheTableAgainstItsBar) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    chain(f, {{0x98, kCapabilityMsix}});
    f.put16(0x9A, 2);             // three entries
    f.put32(0x9C, 0x0000'0001);   // table in BAR 1 at offset 0
    f.put32(0x14, 0xFEBD'1000);
    f.bar_sizes[1] = 0x1000;
    auto function = read_pci_function(config, kSlot).value();
    auto msix = read_msix_capability(config, kSlot, 0x98);
    ASSERT_TRUE(msix.ok());
    EXPECT_EQ(msix.value().table_size, 3);
    EXPECT_EQ(msix.value().table_bar, 1);
    EXPECT_EQ(msix_table_address(config, function, msix.value()).value(), 0xFEBD'1000u);

    f.put32(0x9C, 0x0000'0FF1);  // offset 0xFF0: three 16-byte entries overrun the 4 KiB BAR
    auto overrunning = read_msix_capability(config, kSlot, 0x98);
    EXPECT_EQ(msix_table_address(config, function, overrunning.value()).error(), Errno{ENODEV});
    f.put32(0x9C, 0x0000'0007);  // BAR 7 does not exist
    EXPECT_EQ(read_msix_capability(config, kSlot, 0x98).error(), Errno{EINVAL});
    EXPECT_EQ(read_msix_capability(config, kSlot, 0xF8).error(), Errno{EINVAL});  // runs off the end
}

TEST(Msix, ProgramsAnEntryAndEnablesTheFunction) {
    FakeConfigSpace config;
    Function& f = config.add(kSlot, 0x1AF4, 0x1000);
    chain(f, {{0x98, kCapabilityMsix}});
    f.put16(0x9A, 0x4001);  // two entries, function masked
    MsixCapability msix = read_msix_capability(config, kSlot, 0x98).value();
    uint32_t table[8] = {0, 0, 0, 1, 0, 0, 0, 1};
    ASSERT_TRUE(program_msix_entry(table, msix, 1, 0xFEE0'0000, 48).ok());
    EXPECT_EQ(table[4], 0xFEE0'0000u);
    EXPECT_EQ(table[5], 0u);
    EXPECT_EQ(table[6], 48u);
    EXPECT_EQ(table[7], 0u);  // unmasked
    EXPECT_EQ(table[3], 1u);  // entry 0 untouched
    EXPECT_EQ(program_msix_entry(table, msix, 2, 0, 0).error(), Errno{EINVAL});
    enable_msix(config, kSlot, msix);
    EXPECT_EQ(config.read16(kSlot, 0x9A), 0x8001);  // enabled, function mask cleared
}

}  // namespace
}  // namespace ingot::pci
