// Which kernel variant `ingot build` (and `ingot run PROGRAM`) casts with a program: the
// smallest one that has what the program uses (kernel/image/kernel_features.h). A variant is a
// network level and, independently, disk support:
//
//   base      no network stack: socket(2) fails with EAFNOSUPPORT
//   loopback  sockets and TCP/IP over loopback (127.0.0.0/8), no network card driver
//   net       everything network: virtio-net, DHCP, sockets, TCP/IP
//   +block    virtio-blk disks (/dev/vdX) and ext2/ext4 mounted at boot ("block" alone is base
//             with disks)
//
// A program uses sockets when its symbol table defines one of the socket functions of the C
// library (socket, connect, bind, ...). A stripped program says nothing, so it gets the
// network. `--net none` leaves the card out (loopback); `--with net` and `--without net`
// decide instead of the symbol table. Disk support comes with disks: `ingot build --volume`,
// `ingot run --disk/--volume`, or `--with block`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::tool {

enum class NetworkLevel { None, Loopback, Card };

struct KernelVariant {
    NetworkLevel network = NetworkLevel::Card;
    bool block = false;

    bool operator==(const KernelVariant&) const = default;
};

// Every variant the build links (kernel/CMakeLists.txt) and ingot embeds, in this order.
inline constexpr KernelVariant kKernelVariants[] = {
    {NetworkLevel::None, false},     {NetworkLevel::None, true},  {NetworkLevel::Loopback, false},
    {NetworkLevel::Loopback, true},  {NetworkLevel::Card, false}, {NetworkLevel::Card, true},
};
inline constexpr size_t kKernelVariantCount = std::size(kKernelVariants);
// The position of variant in kKernelVariants.
size_t variant_index(KernelVariant variant);

// "base", "block", "loopback", "loopback+block", "net" or "net+block".
std::string variant_name(KernelVariant variant);
// The image::KernelFeature bits of a variant.
uint32_t variant_features(KernelVariant variant);

// What the command line asks for.
struct FeatureRequest {
    std::optional<bool> net;    // --with net (true) / --without net (false); unset: decide from the program
    bool no_card = false;       // --net none: the machine has no network card
    std::optional<bool> block;  // --with block / --without block; unset: decide from the disks given
    const char* disks = nullptr;  // the option that gives the image disks ("--volume", "--disk"), if any
};

// Parses the values of --with and --without ("net", "block", comma-separated lists allowed);
// throws usage_error on an unknown feature or one named by both.
FeatureRequest parse_feature_options(const std::vector<std::string>& with, const std::vector<std::string>& without);

// Records that `option` gives the image disks; throws usage_error when --without block was
// also given.
void request_disks(FeatureRequest& request, const char* option);

struct SocketUse {
    enum class Kind { None, Uses, Unknown };
    Kind kind = Kind::Unknown;
    std::string symbol;  // for Uses: the first socket function found
};

// Looks through the program's symbol table for the C library's socket functions.
SocketUse find_socket_use(std::span<const uint8_t> program);

struct KernelChoice {
    KernelVariant variant;
    std::string reason;  // for --verbose, e.g. "the program defines connect; --volume needs disk support"
};

// The variant for `program` under `request`.
KernelChoice choose_kernel(std::span<const uint8_t> program, const FeatureRequest& request);

// The feature bits an image's (or kernel's) ELF note declares, or nullopt when it has none
// (a kernel from before variants, or not Ingot's).
std::optional<uint32_t> read_kernel_features(std::span<const uint8_t> elf_file);

}  // namespace ingot::tool
