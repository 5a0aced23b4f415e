// The ingot executable: the tool's library plus the kernels embedded by embedded_kernel.S.
#include <ingot/ingot_main.h>

#include <cstdint>

// One start and end symbol per variant, in the order of kKernelVariants (kernel_choice.h).
#define INGOT_EMBEDDED_KERNEL(name)                                  \
    extern "C" const uint8_t ingot_embedded_kernel_##name##_start[]; \
    extern "C" const uint8_t ingot_embedded_kernel_##name##_end[];
#define INGOT_EMBEDDED_KERNELS(X) X(base) X(block) X(loopback) X(loopback_block) X(net) X(net_block)
INGOT_EMBEDDED_KERNELS(INGOT_EMBEDDED_KERNEL)
static_assert(ingot::tool::kKernelVariantCount == 6, "one symbol pair per entry of kKernelVariants");

int main(int argc, char** argv) {
#define INGOT_KERNEL_SPAN(name) {ingot_embedded_kernel_##name##_start, ingot_embedded_kernel_##name##_end},
    ingot::tool::EmbeddedKernels kernels{{INGOT_EMBEDDED_KERNELS(INGOT_KERNEL_SPAN)}};
    return ingot::tool::ingot_main(argc, argv, kernels);
}
