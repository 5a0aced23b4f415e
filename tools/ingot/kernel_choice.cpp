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

void check_feature_name(const std::string& name, const char* option) {
    if (name == "net") return;
    throw usage_error(std::string(option) + ": unknown feature '" + name + "' (known: net)");
}

}  // namespace

const char* variant_name(KernelVariant variant) {
    switch (variant) {
        case KernelVariant::Base: return "base";
        case KernelVariant::Loopback: return "loopback";
        case KernelVariant::Net: return "net";
    }
    return "?";
}

uint32_t variant_features(KernelVariant variant) {
    switch (variant) {
        case KernelVariant::Base: return 0;
        case KernelVariant::Loopback: return image::kFeatureNet;
        case KernelVariant::Net: return image::kFeatureNet | image::kFeatureNetCard;
    }
    return 0;
}

FeatureRequest parse_feature_options(const std::vector<std::string>& with, const std::vector<std::string>& without) {
    FeatureRequest request;
    for (const std::string& name : split_list(with)) {
        check_feature_name(name, "--with");
        request.net = true;
    }
    for (const std::string& name : split_list(without)) {
        check_feature_name(name, "--without");
        if (request.net == true) throw usage_error("--with net and --without net contradict each other");
        request.net = false;
    }
    return request;
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

KernelChoice choose_kernel(std::span<const uint8_t> program, const FeatureRequest& request) {
    KernelVariant with_network = request.no_card ? KernelVariant::Loopback : KernelVariant::Net;
    const char* card_note = request.no_card ? " (--net none: no card driver)" : "";
    if (request.net == false) return {KernelVariant::Base, "--without net"};
    if (request.net == true) return {with_network, std::string("--with net") + card_note};
    SocketUse use = find_socket_use(program);
    switch (use.kind) {
        case SocketUse::Kind::None:
            return {KernelVariant::Base, "the program defines no socket function"};
        case SocketUse::Kind::Uses:
            return {with_network, "the program defines " + use.symbol + card_note};
        case SocketUse::Kind::Unknown:
            break;
    }
    return {with_network, std::string("the program is stripped, so its use of sockets is unknown (--without net "
                                      "leaves the network out)") + card_note};
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
