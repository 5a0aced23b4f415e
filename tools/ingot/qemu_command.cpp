#include <ingot/qemu_command.h>

#include <ingot/percent_encoding.h>
#include <ingot/tool_error.h>

#include <image/host_channels.h>
#include <proc/cpus.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace ingot::tool {

namespace {

std::string hex_port(uint16_t port) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string digits;
    do {
        digits.insert(digits.begin(), kHex[port & 0xF]);
        port >>= 4;
    } while (port != 0);
    return "0x" + digits;
}

std::string fd_chardev(const char* id, int fd) {
    return std::string("file,id=") + id + ",path=/dev/fd/" + std::to_string(fd);
}

bool is_executable_file(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

}  // namespace

std::vector<std::string> qemu_arguments(const QemuInvocation& inv) {
    std::vector<std::string> args = {inv.qemu_binary, "-M", inv.machine};
    // DESIGN rule 4: glibc needs x86-64-v2 or later; "max" gives TCG every feature it has.
    if (inv.use_kvm) {
        args.insert(args.end(), {"-accel", "kvm", "-cpu", "host"});
    } else {
        args.insert(args.end(), {"-accel", "tcg", "-cpu", "max"});
    }
    if (inv.cpus > 1) args.insert(args.end(), {"-smp", std::to_string(inv.cpus)});
    args.insert(args.end(), {"-m", qemu_memory_argument(inv.mem_bytes), "-nodefaults", "-no-user-config",
                             "-display", "none", "-no-reboot", "-kernel", inv.image_path});
    if (!inv.kernel_command_line.empty()) args.insert(args.end(), {"-append", inv.kernel_command_line});
    args.insert(args.end(), inv.network_arguments.begin(), inv.network_arguments.end());
    args.insert(args.end(), inv.disk_arguments.begin(), inv.disk_arguments.end());
    args.insert(args.end(), {
        "-chardev", fd_chardev("out", kStdoutChannelFd),
        "-chardev", fd_chardev("err", kStderrChannelFd),
        "-chardev", fd_chardev("ctl", kControlChannelFd),
        "-serial", "chardev:out",
        "-device", "isa-debugcon,iobase=" + hex_port(image::kStderrPort) + ",chardev=err",
        "-device", "isa-debugcon,iobase=" + hex_port(image::kControlPort) + ",chardev=ctl",
        "-device", "isa-debug-exit,iobase=" + hex_port(image::kExitPort) + ",iosize=4",
    });
    return args;
}

std::string cpus_kernel_option(unsigned cpus) { return "cpus=" + std::to_string(cpus); }

std::optional<unsigned> cpus_in_records(const std::vector<std::string>& records) {
    constexpr std::string_view kRecord = "kcpus=";
    for (const std::string& record : records) {
        if (record.rfind(kRecord, 0) != 0) continue;
        unsigned long cpus = std::strtoul(record.c_str() + kRecord.size(), nullptr, 10);
        if (cpus >= 1 && cpus <= kMaxCpus) return static_cast<unsigned>(cpus);
    }
    return std::nullopt;
}

std::string boot_command_line(const std::string& argv0, const std::vector<std::string>& args,
                              const std::vector<std::string>& environment,
                              const std::optional<std::string>& log_level,
                              const std::vector<std::string>& kernel_options) {
    std::vector<std::string> tokens;
    if (!args.empty()) {
        tokens.push_back("ingot.a=" + percent_encode(argv0));
        for (const std::string& a : args) tokens.push_back("ingot.a=" + percent_encode(a));
    }
    for (const std::string& e : environment) tokens.push_back("ingot.e=" + percent_encode(e));
    if (log_level) tokens.push_back("ingot.k=" + percent_encode("log=" + *log_level));
    for (const std::string& option : kernel_options) tokens.push_back("ingot.k=" + percent_encode(option));
    std::string line;
    for (const std::string& t : tokens) {
        if (!line.empty()) line += ' ';
        line += t;
    }
    return line;
}

std::string qemu_memory_argument(uint64_t bytes) {
    constexpr uint64_t kMiB = 1024 * 1024;
    return std::to_string(bytes / kMiB + (bytes % kMiB != 0)) + "M";
}

bool kvm_available() {
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

std::string find_qemu(const std::optional<std::string>& flag) {
    const char* from_env = std::getenv("INGOT_QEMU");
    std::string name = flag ? *flag : (from_env && *from_env ? from_env : "qemu-system-x86_64");
    if (name.find('/') != std::string::npos) {
        if (!is_executable_file(name))
            throw ToolError(image::kStatusVmFailed, "QEMU binary '" + name + "' is missing or not executable");
        return name;
    }
    // A bare name is looked up in PATH, as execvp would.
    const char* path = std::getenv("PATH");
    std::string_view dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        size_t colon = dirs.find(':');
        std::string dir(dirs.substr(0, colon));
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (is_executable_file(candidate)) return candidate;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    throw ToolError(image::kStatusVmFailed,
                    name + " not found in PATH (install QEMU, or pass --qemu PATH or set INGOT_QEMU)");
}

std::string shell_quote(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& arg : argv) {
        if (!line.empty()) line += ' ';
        bool plain = !arg.empty() && arg.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+=/.,:@%") == std::string::npos;
        if (plain) {
            line += arg;
            continue;
        }
        line += '\'';
        for (char c : arg) {
            if (c == '\'') line += "'\\''";
            else line += c;
        }
        line += '\'';
    }
    return line;
}

}  // namespace ingot::tool
