// ingot-kernel-pack STUB KERNEL OUTPUT: writes the packed kernel (kernel/image/packed_kernel.h)
// of the kernel ELF KERNEL behind the unpacking stub ELF STUB to OUTPUT. Run by the build, once
// per kernel variant (tools/ingot/CMakeLists.txt).
#include <kernel_pack/kernel_packer.h>

#include <ingot/file_io.h>
#include <ingot/tool_error.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: ingot-kernel-pack STUB_ELF KERNEL_ELF OUTPUT\n");
        return ingot::tool::kStatusUsage;
    }
    try {
        ingot::pack::PackedKernel packed =
            ingot::pack::pack_kernel(ingot::tool::read_file(argv[1]), ingot::tool::read_file(argv[2]));
        ingot::tool::write_file_atomically(argv[3], packed.file);
    } catch (const ingot::tool::ToolError& e) {
        std::fprintf(stderr, "ingot-kernel-pack: %s: %s\n", argv[2], e.what());
        return e.status();
    }
    return 0;
}
