// The optional parts of the kernel, and how a kernel ELF says which ones it was linked with.
//
// The kernel is compiled once and linked in several variants (kernel/CMakeLists.txt); each
// variant differs only in kernel/features/variant/feature_table.cpp, compiled with the
// INGOT_FEATURE_* macros below set to 0 or 1, so that --gc-sections drops every part nothing
// refers to any more. `ingot build` picks the smallest variant the program needs.
//
// Each kernel carries an ELF note (name "Ingot", type kFeatureNoteType, a 4-byte descriptor
// holding the feature bits) so that `ingot run IMAGE` can tell what an image has.
#pragma once

#include <cstdint>
#include <string_view>

namespace ingot::image {

enum KernelFeature : uint32_t {
    kFeatureNet = 1u << 0,      // sockets and the TCP/IP stack (loopback at least); INGOT_FEATURE_NET
    kFeatureNetCard = 1u << 1,  // virtio-net, PCI discovery and DHCP; INGOT_FEATURE_NET_CARD (needs net)
    // Adding a feature (e.g. "block": virtio-blk, ext2, mounting disks at boot) takes:
    //  1. a bit here, with its name in kFeatureNames;
    //  2. in feature_table.cpp, `#if INGOT_FEATURE_BLOCK` around the one call that reaches
    //     the part (mount the disks named on the command line / refuse them with one log line);
    //  3. one ingot_kernel_variant(...) line per new combination in kernel/CMakeLists.txt
    //     (e.g. "block" and "net-block"), and the same names in tools/ingot/kernel_variants.cpp;
    //  4. a rule in tools/ingot/kernel_choice.cpp for when a program needs it.
};

struct FeatureName {
    uint32_t bit;
    std::string_view name;
};
inline constexpr FeatureName kFeatureNames[] = {{kFeatureNet, "net"}, {kFeatureNetCard, "netcard"}};

inline constexpr char kFeatureNoteName[] = "Ingot";  // with its NUL, 6 bytes (namesz)
inline constexpr uint32_t kFeatureNoteType = 0x1a90;

}  // namespace ingot::image
