// Finding virtio-mmio network devices: the virtio_mmio.device= command-line tokens (hostile
// ones included), microvm's fixed slots, and the version-2 register block (virtio 1.2 §4.2.2)
// simulated as plain memory.
#include <drivers/virtio/virtio_mmio_command_line.h>
#include <drivers/virtio/virtio_mmio_transport.h>
#include <drivers/virtio/virtio_spec.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ingot::virtio {
namespace {

TEST(VirtioMmioToken, ParsesQemusMicrovmToken) {
    auto d = parse_virtio_mmio_device("512@0xfeb00e00:12");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value().size, 512u);
    EXPECT_EQ(d.value().base, 0xFEB00E00u);
    EXPECT_EQ(d.value().irq, 12u);
}

TEST(VirtioMmioToken, AcceptsSuffixesPrefixesAndAnId) {
    auto d = parse_virtio_mmio_device("4K@0xd0000000:5:3");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.value().size, 4096u);
    EXPECT_EQ(parse_virtio_mmio_device("1M@3489660928:5").value().base, 0xD0000000u);  // decimal
    EXPECT_EQ(parse_virtio_mmio_device("0x200@0XFEB00000:16").value().size, 0x200u);
    EXPECT_EQ(parse_virtio_mmio_device("0400@0xfeb00000:16").value().size, 0400u);     // octal
    EXPECT_EQ(parse_virtio_mmio_device("1g@0x100000000:0").value().size, 1ull << 30);
}

TEST(VirtioMmioToken, RejectsHostileValues) {
    const char* bad[] = {
        "",                          // empty
        "512",                       // no base
        "512@",                      // no base digits
        "512@0x:5",                  // "0x" without digits
        "512@0xfeb00000",            // no IRQ
        "512@0xfeb00000:",           // empty IRQ
        "512@0xfeb00000:5:",         // empty id
        "512@0xfeb00000:5x",         // trailing junk
        "512@0xfeb00000:5 ",         // trailing space inside the value
        "512@0xfeb00000:256",        // IRQ beyond any interrupt controller
        "512@0xfeb00000:99999999999999999999",  // IRQ overflow
        "0@0xfeb00000:5",            // no registers
        "255@0xfeb00000:5",          // smaller than the register block
        "-512@0xfeb00000:5",         // negative
        "512@0xffffffffffffff00:5",  // range wraps past 2^64
        "99999999999999999999@0:5",  // size overflow
        "16E@0:5",                   // suffix overflow
        "512#0xfeb00000:5",          // wrong separator
        "512@0xfeb00000:0x5",        // the IRQ is decimal only
    };
    for (const char* value : bad)
        EXPECT_EQ(parse_virtio_mmio_device(value).error(), Errno{EINVAL}) << '"' << value << '"';
    // 'g' after hexadecimal digits is a suffix, as in memparse.
    EXPECT_EQ(parse_virtio_mmio_device("0x1g@0:5").value().size, 1ull << 30);
}

TEST(VirtioMmioCommandLine, CollectsEveryWellFormedToken) {
    auto found = virtio_mmio_devices_from_command_line(
        "ingot.a=prog virtio_mmio.device=512@0xfeb00e00:12 virtio_mmio.device=junk "
        "xvirtio_mmio.device=512@0xfeb00c00:11 virtio_mmio.device=512@0xfeb00a00:10 virtio_mmio.devices=1");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].base, 0xFEB00E00u);
    EXPECT_EQ(found[1].base, 0xFEB00A00u);
    EXPECT_EQ(found[1].irq, 10u);
    EXPECT_TRUE(virtio_mmio_devices_from_command_line("").empty());
    EXPECT_TRUE(virtio_mmio_devices_from_command_line("   ").empty());
    EXPECT_TRUE(virtio_mmio_devices_from_command_line("virtio_mmio.device=").empty());
}

TEST(VirtioMmioCommandLine, CountIsBounded) {
    std::string line;
    for (int i = 0; i < 1000; ++i) line += " virtio_mmio.device=512@0x1000:5";
    EXPECT_EQ(virtio_mmio_devices_from_command_line(line).size(), kMaxMmioDevices);
}

TEST(VirtioMmioSlots, MicrovmLayouts) {
    auto eight = microvm_virtio_mmio_slots(false);
    ASSERT_EQ(eight.size(), 8u);
    EXPECT_EQ(eight.front().base, 0xFEB00E00u);  // the slot QEMU fills first
    EXPECT_EQ(eight.front().irq, 23u);
    EXPECT_EQ(eight.back().base, 0xFEB00000u);
    EXPECT_EQ(eight.back().irq, 16u);
    auto twenty_four = microvm_virtio_mmio_slots(true);
    ASSERT_EQ(twenty_four.size(), 24u);
    EXPECT_EQ(twenty_four.front().base, 0xFEB02E00u);
    EXPECT_EQ(twenty_four.front().irq, 47u);
}

// A version-2 register block in plain memory: registers read back what was written.
class MmioRegisters : public ::testing::Test {
protected:
    void SetUp() override {
        set(0x000, 0x74726976);
        set(0x004, 2);
        set(0x008, kDeviceIdNetwork);
        set(0x034, 256);  // QueueNumMax
        const uint8_t mac[] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
        memcpy(&block[0x100], mac, 6);
        block[0x106] = 1;  // link up
    }
    void set(uint32_t offset, uint32_t value) { memcpy(&block[offset], &value, 4); }
    uint32_t get(uint32_t offset) const {
        uint32_t v;
        memcpy(&v, &block[offset], 4);
        return v;
    }

    alignas(8) uint8_t block[0x200] = {};
};

TEST_F(MmioRegisters, AcceptsAModernNetworkDevice) {
    VirtioMmioTransport transport(block, sizeof(block));
    ASSERT_TRUE(transport.init().ok());
    EXPECT_EQ(transport.device_type(), kDeviceIdNetwork);
    uint8_t mac[6];
    transport.read_device_config(0, mac, 6);
    EXPECT_EQ(mac[5], 0x56);
    uint8_t status[2];
    transport.read_device_config(6, status, 2);
    EXPECT_EQ(status[0], 1);
    uint8_t beyond[4] = {9, 9, 9, 9};
    transport.read_device_config(0xFE, beyond, 4);  // runs off the 0x100-byte window
    EXPECT_EQ(beyond[2], 0);
}

TEST_F(MmioRegisters, RefusesWhatIsNotAModernDevice) {
    set(0x004, 1);
    VirtioMmioTransport legacy(block, sizeof(block));
    EXPECT_EQ(legacy.init().error(), Errno{ENODEV});
    EXPECT_EQ(legacy.device_type(), kDeviceIdNetwork);  // known, for the diagnostic
    set(0x004, 2);
    set(0x008, 0);
    EXPECT_EQ(VirtioMmioTransport(block, sizeof(block)).init().error(), Errno{ENODEV});  // empty slot
    set(0x008, 1);
    set(0x000, 0);
    EXPECT_EQ(VirtioMmioTransport(block, sizeof(block)).init().error(), Errno{ENODEV});  // no magic
    set(0x000, 0x74726976);
    EXPECT_EQ(VirtioMmioTransport(block, 0xFF).init().error(), Errno{ENODEV});  // window too small
}

TEST_F(MmioRegisters, QueueSetupWritesSizeAddressesAndReady) {
    VirtioMmioTransport transport(block, sizeof(block));
    ASSERT_TRUE(transport.init().ok());
    EXPECT_EQ(transport.max_queue_size(1), 256);
    QueueLayout layout{128, 0x1'2345'6000ull, 0x1'2345'6800ull, 0x1'2345'7000ull};
    ASSERT_TRUE(transport.enable_queue(1, layout).ok());
    EXPECT_EQ(get(0x030), 1u);    // QueueSel
    EXPECT_EQ(get(0x038), 128u);  // QueueNum
    EXPECT_EQ(get(0x080), 0x2345'6000u);
    EXPECT_EQ(get(0x084), 1u);
    EXPECT_EQ(get(0x090), 0x2345'6800u);
    EXPECT_EQ(get(0x0A0), 0x2345'7000u);
    EXPECT_EQ(get(0x044), 1u);  // QueueReady
    // §4.2.3.2: a queue already in use is not set up again; oversized queues are refused.
    EXPECT_EQ(transport.enable_queue(1, layout).error(), Errno{EINVAL});
    set(0x044, 0);
    layout.size = 512;
    EXPECT_EQ(transport.enable_queue(1, layout).error(), Errno{EINVAL});
}

TEST_F(MmioRegisters, FeaturesStatusNotifyAndInterruptAcknowledge) {
    VirtioMmioTransport transport(block, sizeof(block));
    ASSERT_TRUE(transport.init().ok());
    transport.set_driver_features(feature::kVersion1 | 0x20);
    EXPECT_EQ(get(0x024), 1u);  // the high bank was written last
    EXPECT_EQ(get(0x020), 1u);  // VERSION_1 is bit 0 of the high bank
    transport.set_status(status::kAcknowledge);
    EXPECT_EQ(transport.status(), status::kAcknowledge);
    transport.notify_queue(1);
    EXPECT_EQ(get(0x050), 1u);
    set(0x060, 1);
    EXPECT_EQ(transport.acknowledge_interrupt(), 1u);
    EXPECT_EQ(get(0x064), 1u);  // InterruptACK got the bits read
}

}  // namespace
}  // namespace ingot::virtio
