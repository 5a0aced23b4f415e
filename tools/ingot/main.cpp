// The ingot executable: the tool's library plus the kernels embedded by embedded_kernel.S.
#include <ingot/ingot_main.h>

#include <cstdint>

#define INGOT_EMBEDDED_KERNEL(name)                                \
    extern "C" const uint8_t ingot_embedded_kernel_##name##_start[]; \
    extern "C" const uint8_t ingot_embedded_kernel_##name##_end[];
INGOT_EMBEDDED_KERNEL(base)
INGOT_EMBEDDED_KERNEL(loopback)
INGOT_EMBEDDED_KERNEL(net)

int main(int argc, char** argv) {
    ingot::tool::EmbeddedKernels kernels{
        .base = {ingot_embedded_kernel_base_start, ingot_embedded_kernel_base_end},
        .loopback = {ingot_embedded_kernel_loopback_start, ingot_embedded_kernel_loopback_end},
        .net = {ingot_embedded_kernel_net_start, ingot_embedded_kernel_net_end},
    };
    return ingot::tool::ingot_main(argc, argv, kernels);
}
