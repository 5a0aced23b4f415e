// libFuzzer entry point: every input is a disk image for the ext2/ext4 driver
// (ext2_image_harness.h). Seeds: tests/fuzz/corpus/ext2_image (tiny mke2fs images).
#include "ext2_image_harness.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ingot::fuzz::run_ext2_image(std::span<const uint8_t>(data, size));
    return 0;
}
