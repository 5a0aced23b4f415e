#include <ingot/kernel_source.h>

#include <ingot/file_io.h>
#include <ingot/tool_error.h>

#include <cstdlib>

namespace ingot::tool {

std::vector<uint8_t> load_kernel(std::span<const uint8_t> embedded) {
    const char* override_path = std::getenv("INGOT_KERNEL");
    if (override_path && *override_path) {
        try {
            return read_file(override_path);
        } catch (const ToolError& e) {
            throw input_error(std::string("INGOT_KERNEL=") + e.what());
        }
    }
    if (embedded.empty())
        throw input_error("this ingot was built without a kernel; set INGOT_KERNEL to a kernel ELF");
    return {embedded.begin(), embedded.end()};
}

}  // namespace ingot::tool
