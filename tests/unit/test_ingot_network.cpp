#include <ingot/network_options.h>
#include <ingot/tool_error.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace ingot::tool {
namespace {

bool contains(const std::vector<std::string>& args, const std::string& value) {
    return std::find(args.begin(), args.end(), value) != args.end();
}

TEST(IngotNetwork, NoneAddsNothing) {
    NetworkOptions options = parse_network_options("none", std::nullopt, std::nullopt, {});
    EXPECT_EQ(options.mode, NetworkOptions::Mode::None);
    EXPECT_TRUE(qemu_network_arguments(options, "microvm").empty());
    EXPECT_TRUE(network_kernel_options(options).empty());
}

TEST(IngotNetwork, UserNetworkUsesDhcp) {
    NetworkOptions options = parse_network_options("user", std::nullopt, std::nullopt, {"8080:80", "5353:53/udp"});
    EXPECT_EQ(network_kernel_options(options), (std::vector<std::string>{"ip=dhcp"}));
    auto pci = qemu_network_arguments(options, "q35");
    EXPECT_TRUE(contains(pci, "user,id=net0,hostfwd=tcp::8080-:80,hostfwd=udp::5353-:53"));
    EXPECT_TRUE(contains(pci, "virtio-net-pci,netdev=net0"));
    auto mmio = qemu_network_arguments(options, "microvm");
    EXPECT_TRUE(contains(mmio, "virtio-net-device,netdev=net0"));
    EXPECT_TRUE(contains(mmio, "virtio-mmio.force-legacy=false"));
}

TEST(IngotNetwork, StaticAddressOnTheUserNetworkGetsQemusGatewayAndNameServer) {
    NetworkOptions options = parse_network_options("user", std::string("10.0.2.30/24"), std::nullopt, {});
    EXPECT_EQ(network_kernel_options(options),
              (std::vector<std::string>{"ip=10.0.2.30/24", "gateway=10.0.2.2", "dns=10.0.2.3"}));
}

TEST(IngotNetwork, TapUsesDhcpOrAStaticAddress) {
    EXPECT_EQ(network_kernel_options(parse_network_options("tap:tap0", std::nullopt, std::nullopt, {})),
              (std::vector<std::string>{"ip=dhcp"}));
    NetworkOptions options = parse_network_options("tap:tap0", std::string("192.0.2.2/24"), std::string("192.0.2.1"), {});
    EXPECT_TRUE(contains(qemu_network_arguments(options, "pc"), "tap,id=net0,ifname=tap0,script=no,downscript=no"));
    EXPECT_EQ(network_kernel_options(options), (std::vector<std::string>{"ip=192.0.2.2/24", "gateway=192.0.2.1"}));
}

TEST(IngotNetwork, RejectsMalformedOptions) {
    auto bad = [](const std::string& net, std::optional<std::string> ip, std::optional<std::string> gateway,
                  std::vector<std::string> publish) {
        EXPECT_THROW(parse_network_options(net, ip, gateway, publish), ToolError) << net;
    };
    bad("wifi", std::nullopt, std::nullopt, {});
    bad("tap:", std::string("10.0.0.2/24"), std::nullopt, {});
    bad("none", std::string("10.0.0.2/24"), std::nullopt, {});
    bad("user", std::string("10.0.0.2"), std::nullopt, {});
    bad("user", std::string("10.0.0.2/33"), std::nullopt, {});
    bad("user", std::string("10.0.0.256/24"), std::nullopt, {});
    bad("user", std::nullopt, std::string("gateway"), {});
    bad("user", std::nullopt, std::string("10.0.2.2"), {});  // a gateway without an address
    bad("user", std::nullopt, std::nullopt, {"80"});
    bad("user", std::nullopt, std::nullopt, {"0:80"});
    bad("user", std::nullopt, std::nullopt, {"80:70000"});
    bad("user", std::nullopt, std::nullopt, {"80:80/sctp"});
    bad("tap:t0", std::string("10.0.0.2/24"), std::nullopt, {"80:80"});
}

}  // namespace
}  // namespace ingot::tool
