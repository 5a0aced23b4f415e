#include <ingot/kernel_source.h>

#include <ingot/file_io.h>
#include <ingot/tool_error.h>

#include <cstdlib>

namespace ingot::tool {

LoadedKernel load_kernel(const EmbeddedKernels& embedded, KernelVariant variant) {
    const char* override_path = std::getenv("INGOT_KERNEL");
    if (override_path && *override_path) {
        try {
            return {read_file(override_path), std::string("INGOT_KERNEL=") + override_path};
        } catch (const ToolError& e) {
            throw input_error(std::string("INGOT_KERNEL=") + e.what());
        }
    }
    std::span<const uint8_t> bytes = embedded.of(variant);
    if (bytes.empty())
        throw input_error("this ingot was built without the " + variant_name(variant) +
                          " kernel; set INGOT_KERNEL to a kernel ELF");
    return {{bytes.begin(), bytes.end()}, "embedded"};
}

}  // namespace ingot::tool
