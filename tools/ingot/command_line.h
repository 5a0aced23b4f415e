// The ingot command line, parsed into plain option structs before anything runs, so that
// parsing is testable on its own. Usage errors throw ToolError with exit status 2.
#pragma once

#include <cstdint>
#include <ingot/disk_options.h>
#include <ingot/kernel_choice.h>
#include <ingot/network_options.h>
#include <proc/cpus.h>

#include <optional>
#include <string>
#include <vector>

namespace ingot::tool {

struct BuildOptions {
    std::string program;                    // the static ELF to cast
    std::string output;                     // -o IMAGE
    std::optional<std::string> files_dir;   // --files DIR: the guest's root file system
    std::vector<std::string> environment;   // --env K=V, validated
    std::optional<uint64_t> mem_bytes;      // --mem SIZE
    std::optional<unsigned> cpus;           // --cpus N
    std::vector<std::string> mount_options; // --volume /PATH[:ro]: kernel options (disk_options.h)
    FeatureRequest features;                // --with, --without, --net none
    bool verbose = false;                   // --verbose: the kernel variant and the size of each part
    std::vector<std::string> args;          // after "--": argv[1..]
};

struct RunOptions {
    std::string target;                     // an image, or a plain static program
    std::optional<uint64_t> mem_bytes;
    std::optional<unsigned> cpus;           // --cpus N
    std::string machine = "microvm";        // microvm | pc | q35
    std::vector<std::string> environment;
    std::optional<std::string> files_dir;
    std::optional<double> timeout_seconds;  // > 0
    std::optional<std::string> log_level;   // --log LEVEL
    std::optional<std::string> qemu;        // --qemu PATH
    bool dry_run = false;
    NetworkOptions network;                 // --net, --ip, --gateway, -p
    DiskOptions disks;                      // --disk, --volume
    FeatureRequest features;                // --with, --without (and --net none) for a plain program
    bool network_asked = false;             // --net, --ip, --gateway or -p given explicitly
    std::vector<std::string> args;
};

// `ingot disk create FILE --size SIZE [--type ext4|ext2] [--from DIR] [--force]`.
struct DiskCreateOptions {
    std::string file;
    uint64_t size_bytes = 0;
    std::string type = "ext4";
    std::optional<std::string> from_dir;
    bool force = false;
};

// `ingot accel [--qemu PATH]`: prints the accelerator `ingot run` would use.
struct AccelOptions {
    std::optional<std::string> qemu;
};

struct ParsedCommandLine {
    enum class Action { Build, Run, DiskCreate, Accel, ShowText };
    Action action = Action::ShowText;
    BuildOptions build;
    RunOptions run;
    DiskCreateOptions disk_create;
    AccelOptions accel;
    std::string text;  // for ShowText: help or version, printed to stdout, exit status 0
};

// Parses argv (argv[0] is the tool's name). Everything after the first "--" belongs to the guest
// program. Throws usage_error with a one-line message on any mistake.
ParsedCommandLine parse_command_line(const std::vector<std::string>& argv);

// Checks "K=V" (non-empty K without NUL); throws usage_error otherwise.
void validate_environment_entry(const std::string& entry);

}  // namespace ingot::tool
