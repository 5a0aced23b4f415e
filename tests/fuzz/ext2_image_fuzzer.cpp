// libFuzzer entry point: every input is a disk image for the ext2/ext4 driver
// (ext2_image_harness.h). Seeds: tests/fuzz/corpus/ext2_image (tiny mke2fs images).
// INGOT_FUZZ_LOG=1 prints the kernel's log for each input (why an image was refused).
#include "ext2_image_harness.h"

#include "fakes/fake_console.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ingot::fuzz::run_ext2_image(std::span<const uint8_t>(data, size));
    // The fake console keeps everything written to it: drop it, or memory grows per input.
    if (std::getenv("INGOT_FUZZ_LOG"))
        std::fprintf(stderr, "%s%s", ingot::fake_console::stdout_text().c_str(),
                     ingot::fake_console::stderr_text().c_str());
    ingot::fake_console::clear();
    return 0;
}
