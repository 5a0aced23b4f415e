// The unpacking stub's one job (image/packed_kernel.h): decode the kernel behind it to its load
// address and zero the rest of the kernel's memory, checking everything it is told, so that a
// corrupt or mismatched packed kernel stops with a message rather than running garbage. The
// stub's console and power-off are the kernel's own (arch/x86_64/host_channels.cpp, panic.cpp),
// so a failure reaches `ingot run` as a kernel panic.
#include <arch/x86_64/host_channels.h>
#include <image/packed_kernel.h>
#include <lib/lz4_block.h>
#include <lib/panic.h>

#include <cstring>

extern "C" const uint8_t __unpack_end[];  // linker.ld: the end of the stub's memory

namespace ingot {
namespace {

// The channels are set up only on failure: a boot that succeeds does no port I/O here.
template <typename... Args>
[[noreturn]] void fail(const char* fmt, Args... args) {
    host_channels_init();
    panic(fmt, args...);
}

void check_layout(const image::PackedKernelHeader& header) {
    uint64_t source_end = reinterpret_cast<uint64_t>(&header) + sizeof header + header.compressed_bytes;
    if (header.load_address < source_end)
        fail("packed kernel: its load address %lx is below the end of the compressed kernel (%lx)",
             header.load_address, source_end);
    if (header.memory_bytes > image::kPackedKernelLimit - header.load_address ||
        header.image_bytes > header.memory_bytes)
        fail("packed kernel: its memory (%lx, %lu bytes, %lu of them decoded) is not below %llx",
             header.load_address, header.memory_bytes, header.image_bytes, image::kPackedKernelLimit);
    if (header.entry < header.load_address || header.entry >= header.load_address + header.image_bytes)
        fail("packed kernel: its entry %x is outside the kernel", header.entry);
}

}  // namespace

// Called from entry.S in long mode; returns the kernel's PVH entry.
extern "C" uint32_t unpack_kernel() {
    const auto& header = *reinterpret_cast<const image::PackedKernelHeader*>(
        image::packed_kernel_address(reinterpret_cast<uint64_t>(__unpack_end)));
    if (std::memcmp(header.magic, image::kPackedKernelMagic, sizeof header.magic) != 0 ||
        header.header_size != sizeof header)
        fail("packed kernel: no kernel after the stub at %p", static_cast<const void*>(&header));
    check_layout(header);

    auto* kernel = reinterpret_cast<uint8_t*>(header.load_address);
    std::span<const uint8_t> block(reinterpret_cast<const uint8_t*>(&header + 1), header.compressed_bytes);
    lz4::DecodeResult result = lz4::decode_block(block, {kernel, header.image_bytes});
    if (!result.ok())
        fail("packed kernel: the compressed kernel is corrupt: %s (at byte %zu of %zu, %zu bytes decoded)",
             lz4::describe(result.error), result.input_used, block.size(), result.written);
    if (result.written != header.image_bytes)
        fail("packed kernel: the compressed kernel is corrupt: it decodes to %zu bytes, not %lu", result.written,
             header.image_bytes);
    std::memset(kernel + header.image_bytes, 0, header.memory_bytes - header.image_bytes);
    return header.entry;
}

}  // namespace ingot
