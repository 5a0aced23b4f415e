// The optional parts of the kernel, and how a kernel ELF says which ones it was linked with.
//
// The kernel is compiled once and linked in several variants (kernel/CMakeLists.txt); each
// variant differs only in kernel/features/variant/feature_table.cpp, compiled with the
// INGOT_FEATURE_* macros below set to 0 or 1, so that --gc-sections drops every part nothing
// refers to any more. `ingot build` picks the smallest variant with every feature the program
// needs (tools/ingot/kernel_choice.h).
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
    kFeatureBlock = 1u << 2,    // virtio-blk, /dev/vdX, ext2/ext4 and mounting disks; INGOT_FEATURE_BLOCK
    kFeatureProcess = 1u << 3,  // fork, vfork, clone of processes, execve; INGOT_FEATURE_PROCESS
    kFeaturePoll = 1u << 4,     // poll, select, epoll, eventfd; INGOT_FEATURE_POLL
    // Adding a feature takes:
    //  1. a bit here, with its name in kFeatureNames;
    //  2. hooks in features/feature_hooks.h for the few calls that reach the part, defined in
    //     feature_table.cpp under `#if INGOT_FEATURE_X` to the part or to a stand-in;
    //  3. an argument of ingot_kernel_variant(...) in kernel/CMakeLists.txt, and the variants
    //     that have it (ingot embeds every variant and reads its features from the note);
    //  4. a rule in tools/ingot/kernel_choice.cpp for when a program needs it.
};

struct FeatureName {
    uint32_t bit;
    std::string_view name;
};
inline constexpr FeatureName kFeatureNames[] = {{kFeatureNet, "net"},         {kFeatureNetCard, "netcard"},
                                                {kFeatureBlock, "block"},     {kFeatureProcess, "process"},
                                                {kFeaturePoll, "poll"}};

inline constexpr char kFeatureNoteName[] = "Ingot";  // with its NUL, 6 bytes (namesz)
inline constexpr uint32_t kFeatureNoteType = 0x1a90;

}  // namespace ingot::image
