#include <ingot/kernel_choice.h>

#include <ingot/tool_error.h>

#include <elf/elf64.h>
#include <elf/elf_notes.h>
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

// New processes and programs: glibc (fork is _Fork or __libc_fork inside; system, popen and
// posix_spawn go through __spawni), musl, and Go's os/exec (syscall.forkExec). A static program
// defines what it calls, so any path to these calls leaves one of the names.
constexpr std::string_view kProcessFunctions[] = {
    "fork", "__fork", "_Fork", "__libc_fork", "vfork", "__vfork", "execve", "__execve", "execveat",
    "fexecve", "posix_spawn", "posix_spawnp", "__posix_spawn", "__spawni", "syscall.forkExec",
};

// Readiness and wake-ups: the C library's wrappers (glibc's internal names included), and Go's
// runtime, which creates an epoll instance for its network poller.
constexpr std::string_view kPollFunctions[] = {
    "poll", "__poll", "__poll_chk", "ppoll", "__ppoll", "__ppoll64", "select", "__select", "pselect",
    "__pselect", "__pselect64", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "epoll_pwait2", "eventfd", "runtime.netpollinit",
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

std::optional<bool>& request_for(FeatureRequest& request, const std::string& name, const char* option) {
    if (name == "net") return request.net;
    if (name == "process") return request.process;
    if (name == "poll") return request.poll;
    if (name == "block") return request.block;
    throw usage_error(std::string(option) + ": unknown feature '" + name + "' (known: net, process, poll, block)");
}

// The net and netcard bits and why, from the options or else the program's symbol table.
uint32_t choose_network(std::span<const uint8_t> program, const FeatureRequest& request, std::string& reason) {
    uint32_t network = image::kFeatureNet | (request.no_card ? 0u : uint32_t{image::kFeatureNetCard});
    const char* card_note = request.no_card ? " (--net none: no card driver)" : "";
    if (request.net == false) {
        reason = "--without net";
        return 0;
    }
    if (request.net == true) {
        reason = std::string("--with net") + card_note;
        return network;
    }
    SymbolUse use = find_socket_use(program);
    switch (use.kind) {
        case SymbolUse::Kind::None:
            reason = "the program defines no socket function";
            return 0;
        case SymbolUse::Kind::Uses:
            reason = "the program defines " + use.symbol + card_note;
            return network;
        case SymbolUse::Kind::Unknown:
            break;
    }
    reason = std::string("the program is stripped, so what it uses is unknown (--without net, process or poll "
                         "leaves one out)") + card_note;
    return network;
}

// Whether the program needs the optional part `name`, found by `functions` in its symbol table,
// adding the reason when it does. A stripped program does: its name is added to `unknown`.
bool needs_feature(std::span<const uint8_t> program, std::optional<bool> requested, std::string_view name,
                   std::span<const std::string_view> functions, std::string& reason, std::string& unknown) {
    if (requested == true) reason += "; --with " + std::string(name);
    if (requested) return *requested;
    SymbolUse use = find_symbol_use(program, functions);
    if (use.kind == SymbolUse::Kind::Uses) reason += "; it defines " + use.symbol;
    if (use.kind == SymbolUse::Kind::Unknown) unknown += (unknown.empty() ? "" : " and ") + std::string(name);
    return use.kind != SymbolUse::Kind::None;
}

}  // namespace

std::string variant_name(uint32_t features) {
    std::string name;
    auto add = [&](const char* part) { name += (name.empty() ? "" : "+") + std::string(part); };
    if (features & image::kFeatureNetCard) add("net");
    else if (features & image::kFeatureNet) add("loopback");
    if (features & image::kFeatureProcess) add("process");
    if (features & image::kFeaturePoll) add("poll");
    if (features & image::kFeatureBlock) add("block");
    return name.empty() ? "base" : name;
}

FeatureRequest parse_feature_options(const std::vector<std::string>& with, const std::vector<std::string>& without) {
    FeatureRequest request;
    for (bool value : {true, false}) {
        for (const std::string& name : split_list(value ? with : without)) {
            std::optional<bool>& choice = request_for(request, name, value ? "--with" : "--without");
            if (choice && *choice != value)
                throw usage_error("--with " + name + " and --without " + name + " contradict each other");
            choice = value;
        }
    }
    return request;
}

void request_disks(FeatureRequest& request, const char* option) {
    if (request.block == false)
        throw usage_error(std::string(option) + " needs disk support, which --without block leaves out");
    if (!request.disks) request.disks = option;
}

SymbolUse find_symbol_use(std::span<const uint8_t> program, std::span<const std::string_view> names) {
    SymbolUse use;
    elf::SymbolScan scan = elf::scan_symbols(program, [&](const elf::Elf64_Sym& sym, std::string_view name) {
        if (sym.st_shndx == elf::kShnUndef) return false;
        if (std::find(names.begin(), names.end(), name) == names.end()) return false;
        use.symbol = name;
        return true;
    });
    switch (scan) {
        case elf::SymbolScan::NoSymbolTable: use.kind = SymbolUse::Kind::Unknown; break;
        case elf::SymbolScan::Finished: use.kind = SymbolUse::Kind::None; break;
        case elf::SymbolScan::Stopped: use.kind = SymbolUse::Kind::Uses; break;
    }
    return use;
}

SymbolUse find_socket_use(std::span<const uint8_t> program) { return find_symbol_use(program, kSocketFunctions); }

KernelChoice choose_kernel(std::span<const uint8_t> program, const FeatureRequest& request) {
    KernelChoice choice;
    choice.features = choose_network(program, request, choice.reason);
    std::string unknown;
    if (needs_feature(program, request.process, "process", kProcessFunctions, choice.reason, unknown))
        choice.features |= image::kFeatureProcess;
    if (needs_feature(program, request.poll, "poll", kPollFunctions, choice.reason, unknown))
        choice.features |= image::kFeaturePoll;
    if (!unknown.empty() && choice.reason.find("stripped") == std::string::npos)
        choice.reason += "; the program is stripped, so it gets " + unknown;
    if (request.block == true) {
        choice.features |= image::kFeatureBlock;
        choice.reason += "; --with block";
    } else if (request.block != false && request.disks) {
        choice.features |= image::kFeatureBlock;
        choice.reason += std::string("; ") + request.disks + " needs disk support";
    }
    return choice;
}

std::optional<uint32_t> read_kernel_features(std::span<const uint8_t> elf_file) {
    std::optional<uint32_t> features;
    elf::find_note(elf_file, [&](const elf::ElfNote& note) {
        if (note.type != image::kFeatureNoteType || note.name != image::kFeatureNoteName ||
            note.descriptor.size() != sizeof(uint32_t))
            return false;
        uint32_t bits;
        std::memcpy(&bits, note.descriptor.data(), sizeof bits);
        features = bits;
        return true;
    });
    return features;
}

}  // namespace ingot::tool
