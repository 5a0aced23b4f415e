#include <ingot/kernel_source.h>

#include <ingot/file_io.h>
#include <ingot/kernel_choice.h>
#include <ingot/tool_error.h>

#include <cstdlib>

namespace ingot::tool {

EmbeddedKernels EmbeddedKernels::from_blobs(std::span<const std::span<const uint8_t>> blobs) {
    EmbeddedKernels embedded;
    for (std::span<const uint8_t> blob : blobs) {
        std::optional<uint32_t> features = read_kernel_features(blob);
        if (features) embedded.kernels.push_back({*features, blob});
    }
    return embedded;
}

const EmbeddedKernel* EmbeddedKernels::smallest_with(uint32_t features) const {
    const EmbeddedKernel* best = nullptr;
    for (const EmbeddedKernel& kernel : kernels) {
        if ((kernel.features & features) != features) continue;
        if (!best || kernel.bytes.size() < best->bytes.size()) best = &kernel;
    }
    return best;
}

const EmbeddedKernel* EmbeddedKernels::exactly(uint32_t features) const {
    for (const EmbeddedKernel& kernel : kernels)
        if (kernel.features == features) return &kernel;
    return nullptr;
}

LoadedKernel load_kernel(const EmbeddedKernels& embedded, uint32_t features) {
    const char* override_path = std::getenv("INGOT_KERNEL");
    if (override_path && *override_path) {
        try {
            std::vector<uint8_t> bytes = read_file(override_path);
            uint32_t declared = read_kernel_features(bytes).value_or(~0u);
            return {std::move(bytes), std::string("INGOT_KERNEL=") + override_path, declared};
        } catch (const ToolError& e) {
            throw input_error(std::string("INGOT_KERNEL=") + e.what());
        }
    }
    const EmbeddedKernel* kernel = embedded.smallest_with(features);
    if (!kernel)
        throw input_error("this ingot was built without a kernel with " + variant_name(features) +
                          "; set INGOT_KERNEL to a kernel ELF");
    return {{kernel->bytes.begin(), kernel->bytes.end()}, "embedded", kernel->features};
}

}  // namespace ingot::tool
