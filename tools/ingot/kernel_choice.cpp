#include <ingot/kernel_choice.h>

#include <ingot/tool_error.h>

#include <elf/elf64.h>
#include <elf/elf_symbols.h>
#include <image/kernel_features.h>

#include <algorithm>
#include <cstring>

namespace ingot::tool {

namespace {

// The socket functions of glibc (which defines __socket and its weak alias socket, etc.),
// musl, and Go's syscall package. Any socket use goes through socket(2), socketpair(2) or
// accept(2) on a socket from elsewhere, so creating and accepting is what matters.
constexpr std::string_view kSocketFunctions[] = {
    "socket", "__socket", "socketpair", "__socketpair", "connect", "__connect", "__libc_connect",
    "bind", "__bind", "listen", "__listen", "accept", "accept4", "__libc_accept",
    "syscall.socket", "syscall.Socket", "syscall.socketpair",
};

std::vector<std::string> split_list(const std::vector<std::string>& values) {
    std::vector<std::string> items;
    for (const std::string& value : values) {
        size_t start = 0;
        while (start <= value.size()) {
            size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            items.push_back(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return items;
}

enum class Feature { Net, Block };

Feature feature_named(const std::string& name, const char* option) {
    if (name == "net") return Feature::Net;
    if (name == "block") return Feature::Block;
    throw usage_error(std::string(option) + ": unknown feature '" + name + "' (known: net, block)");
}

// Sets a --with (true) or --without (false) choice, refusing the opposite one.
void decide(std::optional<bool>& choice, bool value, const std::string& name) {
    if (choice && *choice != value)
        throw usage_error("--with " + name + " and --without " + name + " contradict each other");
    choice = value;
}

const char* network_level_name(NetworkLevel level) {
    switch (level) {
        case NetworkLevel::None: return "base";
        case NetworkLevel::Loopback: return "loopback";
        case NetworkLevel::Card: return "net";
    }
    return "?";
}

}  // namespace

size_t variant_index(KernelVariant variant) {
    return static_cast<size_t>(std::find(std::begin(kKernelVariants), std::end(kKernelVariants), variant) -
                               std::begin(kKernelVariants));
}

std::string variant_name(KernelVariant variant) {
    if (!variant.block) return network_level_name(variant.network);
    if (variant.network == NetworkLevel::None) return "block";
    return std::string(network_level_name(variant.network)) + "+block";
}

uint32_t variant_features(KernelVariant variant) {
    uint32_t features = variant.block ? uint32_t{image::kFeatureBlock} : 0u;
    switch (variant.network) {
        case NetworkLevel::None: break;
        case NetworkLevel::Loopback: features |= image::kFeatureNet; break;
        case NetworkLevel::Card: features |= image::kFeatureNet | image::kFeatureNetCard; break;
    }
    return features;
}

FeatureRequest parse_feature_options(const std::vector<std::string>& with, const std::vector<std::string>& without) {
    FeatureRequest request;
    for (bool value : {true, false}) {
        for (const std::string& name : split_list(value ? with : without)) {
            Feature feature = feature_named(name, value ? "--with" : "--without");
            decide(feature == Feature::Net ? request.net : request.block, value, name);
        }
    }
    return request;
}

void request_disks(FeatureRequest& request, const char* option) {
    if (request.block == false)
        throw usage_error(std::string(option) + " needs disk support, which --without block leaves out");
    if (!request.disks) request.disks = option;
}

SocketUse find_socket_use(std::span<const uint8_t> program) {
    SocketUse use;
    elf::SymbolScan scan = elf::scan_symbols(program, [&](const elf::Elf64_Sym& sym, std::string_view name) {
        if (sym.st_shndx == elf::kShnUndef) return false;
        if (std::find(std::begin(kSocketFunctions), std::end(kSocketFunctions), name) == std::end(kSocketFunctions))
            return false;
        use.symbol = name;
        return true;
    });
    switch (scan) {
        case elf::SymbolScan::NoSymbolTable: use.kind = SocketUse::Kind::Unknown; break;
        case elf::SymbolScan::Finished: use.kind = SocketUse::Kind::None; break;
        case elf::SymbolScan::Stopped: use.kind = SocketUse::Kind::Uses; break;
    }
    return use;
}

namespace {

// The network level and why, from the options or else the program's symbol table.
KernelChoice choose_network(std::span<const uint8_t> program, const FeatureRequest& request) {
    KernelVariant with_network{request.no_card ? NetworkLevel::Loopback : NetworkLevel::Card};
    KernelVariant base{NetworkLevel::None};
    const char* card_note = request.no_card ? " (--net none: no card driver)" : "";
    if (request.net == false) return {base, "--without net"};
    if (request.net == true) return {with_network, std::string("--with net") + card_note};
    SocketUse use = find_socket_use(program);
    switch (use.kind) {
        case SocketUse::Kind::None:
            return {base, "the program defines no socket function"};
        case SocketUse::Kind::Uses:
            return {with_network, "the program defines " + use.symbol + card_note};
        case SocketUse::Kind::Unknown:
            break;
    }
    return {with_network, std::string("the program is stripped, so its use of sockets is unknown (--without net "
                                      "leaves the network out)") + card_note};
}

}  // namespace

KernelChoice choose_kernel(std::span<const uint8_t> program, const FeatureRequest& request) {
    KernelChoice choice = choose_network(program, request);
    if (request.block == true) {
        choice.variant.block = true;
        choice.reason += "; --with block";
    } else if (request.block != false && request.disks) {
        choice.variant.block = true;
        choice.reason += std::string("; ") + request.disks + " needs disk support";
    }
    return choice;
}

std::optional<uint32_t> read_kernel_features(std::span<const uint8_t> elf_file) {
    elf::Elf64_Ehdr eh{};
    if (!elf::read_struct(elf_file, 0, eh) || std::memcmp(eh.e_ident, elf::kMagic, 4) != 0) return std::nullopt;
    if (eh.e_phentsize != sizeof(elf::Elf64_Phdr)) return std::nullopt;
    for (uint64_t i = 0; i < eh.e_phnum; ++i) {
        elf::Elf64_Phdr ph{};
        if (!elf::read_struct(elf_file, eh.e_phoff + i * sizeof(ph), ph)) return std::nullopt;
        if (ph.p_type != elf::kPtNote || !elf::range_within(ph.p_offset, ph.p_filesz, elf_file.size())) continue;
        // Notes: namesz, descsz, type, name and descriptor each padded to 4 bytes (gABI).
        uint64_t at = ph.p_offset, end = ph.p_offset + ph.p_filesz;
        while (end - at >= 12) {
            uint32_t header[3];
            elf::read_struct(elf_file, at, header);
            uint64_t name_at = at + 12;
            uint64_t desc_at = name_at + ((uint64_t{header[0]} + 3) & ~uint64_t{3});
            uint64_t next = desc_at + ((uint64_t{header[1]} + 3) & ~uint64_t{3});
            if (next > end) break;
            uint32_t features = 0;
            if (header[2] == image::kFeatureNoteType && header[0] == sizeof(image::kFeatureNoteName) &&
                header[1] == sizeof(features) &&
                std::memcmp(elf_file.data() + name_at, image::kFeatureNoteName, sizeof(image::kFeatureNoteName)) == 0) {
                std::memcpy(&features, elf_file.data() + desc_at, sizeof(features));
                return features;
            }
            at = next;
        }
    }
    return std::nullopt;
}

}  // namespace ingot::tool
