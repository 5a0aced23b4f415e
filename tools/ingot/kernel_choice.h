// Which kernel features `ingot build` (and `ingot run PROGRAM`) casts with a program; the
// kernel is then the smallest embedded variant that has them all (kernel_source.h,
// kernel/image/kernel_features.h):
//
//   net       sockets and TCP/IP (loopback at least): when the symbol table defines a socket
//             function of the C library (socket, connect, bind, ...); without it socket(2)
//             fails with EAFNOSUPPORT. netcard (virtio-net, DHCP) comes with it unless
//             `--net none` says the machine has no card.
//   process   fork, vfork, clone of processes, execve: when it defines fork, vfork, execve or
//             posix_spawn (system and popen go through these).
//   poll      poll, select, epoll, eventfd: when it defines one of them (or is a Go program,
//             whose runtime polls).
//   block     virtio-blk disks (/dev/vdX) and ext2/ext4 mounted at boot: when the image is
//             given disks (`ingot build --volume`, `ingot run --disk/--volume`).
//
// A stripped program says nothing, so it gets net, process and poll. `--with FEATURE` and
// `--without FEATURE` decide instead of the symbol table (or the disks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::tool {

// A variant's name from its image::KernelFeature bits: "base" for none, else the features
// joined by '+', the network first as "loopback" or "net" (e.g. "net+process+poll+block").
std::string variant_name(uint32_t features);

// What the command line asks for.
struct FeatureRequest {
    std::optional<bool> net;      // --with net (true) / --without net (false); unset: decide from the program
    bool no_card = false;         // --net none: the machine has no network card
    std::optional<bool> process;  // --with/--without process
    std::optional<bool> poll;     // --with/--without poll
    std::optional<bool> block;    // --with/--without block; unset: decide from the disks given
    const char* disks = nullptr;  // the option that gives the image disks ("--volume", "--disk"), if any
};

// Parses the values of --with and --without ("net", "process", "poll", "block";
// comma-separated lists allowed); throws usage_error on an unknown feature or one named by both.
FeatureRequest parse_feature_options(const std::vector<std::string>& with, const std::vector<std::string>& without);

// Records that `option` gives the image disks; throws usage_error when --without block was
// also given.
void request_disks(FeatureRequest& request, const char* option);

struct SymbolUse {
    enum class Kind { None, Uses, Unknown };
    Kind kind = Kind::Unknown;
    std::string symbol;  // for Uses: the first of the names found
};

// Looks through the program's symbol table for a definition of one of `names`.
SymbolUse find_symbol_use(std::span<const uint8_t> program, std::span<const std::string_view> names);
// The same for the socket functions of the C library.
SymbolUse find_socket_use(std::span<const uint8_t> program);

struct KernelChoice {
    uint32_t features = 0;  // image::KernelFeature bits the program needs
    std::string reason;     // for --verbose, e.g. "the program defines connect; --volume needs disk support"
};

// The features `program` needs under `request`.
KernelChoice choose_kernel(std::span<const uint8_t> program, const FeatureRequest& request);

// The feature bits an image's (or kernel's) ELF note declares, or nullopt when it has none
// (a kernel from before variants, or not Ingot's).
std::optional<uint32_t> read_kernel_features(std::span<const uint8_t> elf_file);

}  // namespace ingot::tool
