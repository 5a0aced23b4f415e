// The ingot executable: the tool's library plus the kernels embedded by embedded_kernel.S.
#include <ingot/ingot_main.h>

#include <cstdint>
#include <span>
#include <vector>

// embedded_kernel.S: a start and an end address per kernel variant.
extern "C" const uint8_t* const ingot_embedded_kernels[];
extern "C" const uint8_t* const ingot_embedded_kernels_end[];

int main(int argc, char** argv) {
    std::vector<std::span<const uint8_t>> blobs;
    for (const uint8_t* const* entry = ingot_embedded_kernels; entry < ingot_embedded_kernels_end; entry += 2)
        blobs.emplace_back(entry[0], entry[1]);
    return ingot::tool::ingot_main(argc, argv, ingot::tool::EmbeddedKernels::from_blobs(blobs));
}
