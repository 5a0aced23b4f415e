#include "fakes/ext2_image_tools.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/wait.h>

namespace ingot::ext2_test {

ScratchDir::ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ingot-ext2-XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    path_ = made ? made : "";
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::file(const std::string& name) const {
    std::filesystem::path p = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(p.parent_path());
    return p.string();
}

void ScratchDir::write(const std::string& name, const std::string& text) const {
    std::ofstream out(file(name), std::ios::binary);
    out << text;
}

CommandResult run_command(const std::string& command, bool with_stderr) {
    CommandResult result;
    std::string full = command + (with_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::vector<uint8_t> make_image(const std::string& image_path, const std::string& type, const std::string& options,
                                unsigned size_kib, const std::string& fill_dir) {
    std::string command = "PATH=$PATH:/usr/sbin:/sbin mke2fs -q -F -t " + type + " " + options;
    if (!fill_dir.empty()) command += " -d '" + fill_dir + "'";
    command += " '" + image_path + "' " + std::to_string(size_kib) + "k";
    CommandResult made = run_command(command);
    if (made.status != 0) {
        fprintf(stderr, "%s\n%s\n", command.c_str(), made.output.c_str());
        return {};
    }
    std::ifstream in(image_path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CommandResult fsck(const std::string& image_path) {
    return run_command("PATH=$PATH:/usr/sbin:/sbin e2fsck -fn '" + image_path + "'");
}

CommandResult debugfs(const std::string& image_path, const std::string& request) {
    return run_command("PATH=$PATH:/usr/sbin:/sbin debugfs -R '" + request + "' '" + image_path + "'", false);
}

}  // namespace ingot::ext2_test
