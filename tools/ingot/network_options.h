// `ingot run --net user|tap:IFNAME|none [--ip A.B.C.D/P] [--gateway A.B.C.D] [-p HOST:GUEST[/udp]]`:
// parsing, the QEMU network device for each machine, and the kernel options that configure
// the guest's address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot::tool {

struct PortForward {
    bool udp = false;
    uint16_t host_port = 0;
    uint16_t guest_port = 0;
};

struct NetworkOptions {
    enum class Mode { None, User, Tap };
    Mode mode = Mode::None;
    std::string tap_interface;
    std::string ip;       // "A.B.C.D/P"; empty: DHCP
    std::string gateway;  // "A.B.C.D", may be empty
    std::string dns;      // name server "A.B.C.D", may be empty
    std::vector<PortForward> forwards;
};

// Checks and combines the options; throws usage_error with a one-line message. Without --ip
// the guest asks DHCP (QEMU's user network has a server; a TAP network needs one). A static
// address on the user network gets its gateway (10.0.2.2) and name server (10.0.2.3).
NetworkOptions parse_network_options(const std::string& net, const std::optional<std::string>& ip,
                                     const std::optional<std::string>& gateway,
                                     const std::vector<std::string>& publish);

// QEMU's -netdev/-device arguments: virtio-net-pci on pc and q35, virtio-net-device (virtio-mmio,
// modern) on microvm. Empty for Mode::None.
std::vector<std::string> qemu_network_arguments(const NetworkOptions& options, const std::string& machine);

// The kernel options for the boot command line: "ip=dhcp", or "ip=A.B.C.D/P" with
// "gateway=..." and "dns=..." when known.
std::vector<std::string> network_kernel_options(const NetworkOptions& options);

}  // namespace ingot::tool
