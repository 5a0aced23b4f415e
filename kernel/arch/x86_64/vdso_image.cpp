// The vDSO image (vdso/vdso.c, built by kernel/CMakeLists.txt) travels inside the kernel; each
// program gets a copy with the clock parameters of this boot filled in.
#include <arch/x86_64/rtc.h>
#include <arch/x86_64/tsc.h>
#include <arch/x86_64/vdso/vdso_clock.h>
#include <proc/vdso.h>

#include <cstring>

extern "C" const uint8_t ingot_vdso_start[];
extern "C" const uint8_t ingot_vdso_end[];
asm(".section .rodata.ingot_vdso, \"a\"\n"
    ".balign 16\n"
    ".globl ingot_vdso_start\n"
    "ingot_vdso_start:\n"
    ".incbin \"" INGOT_VDSO_IMAGE "\"\n"
    ".globl ingot_vdso_end\n"
    "ingot_vdso_end:\n"
    ".previous\n");

namespace ingot {

std::vector<uint8_t> vdso_image_for_program() {
    std::vector<uint8_t> image(ingot_vdso_start, ingot_vdso_end);
    // The clock block is 8-byte aligned in the image's read-only data; its magic marks it.
    for (size_t offset = 0; offset + sizeof(ingot_vdso_clock) <= image.size(); offset += 8) {
        uint64_t magic;
        std::memcpy(&magic, image.data() + offset, sizeof magic);
        if (magic != INGOT_VDSO_CLOCK_MAGIC) continue;
        ingot_vdso_clock clock{};
        clock.magic = magic;
        clock.boot_tsc = tsc_at_boot();
        clock.ns_per_tick_q32 = tsc_ns_per_tick_q32();
        clock.realtime_offset_ns = wall_clock_offset_ns();
        clock.ready = 1;
        std::memcpy(image.data() + offset, &clock, sizeof clock);
        return image;
    }
    return {};  // an image without its clock block: no vDSO rather than a broken one
}

}  // namespace ingot
