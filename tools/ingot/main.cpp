// The ingot executable: the tool's library plus the kernel embedded by embedded_kernel.S.
#include <ingot/ingot_main.h>

#include <cstdint>

extern "C" const uint8_t ingot_embedded_kernel_start[];
extern "C" const uint8_t ingot_embedded_kernel_end[];

int main(int argc, char** argv) {
    return ingot::tool::ingot_main(argc, argv, {ingot_embedded_kernel_start, ingot_embedded_kernel_end});
}
