// The Ingot image: one ELF file that QEMU (or any PVH loader) boots with `-kernel`.
//
// It is the kernel ELF with one more PT_LOAD segment appended by `ingot build`: the payload.
// The payload is loaded at the first 4 KiB-aligned physical address after the kernel's last
// PT_LOAD segment (the kernel finds it there from its own linker symbol, ingot from the program
// headers), and begins with PayloadHeader. Everything is little-endian; offsets are from the
// start of the payload. Each part starts on a 16-byte boundary.
//
// The kernel ELF that `ingot` embeds is packed (image/packed_kernel.h): an unpacking stub and
// the compressed kernel below the kernel's load address, then a PT_LOAD without file bytes that
// reserves the kernel's memory, .bss included. That reservation is the last PT_LOAD, so the
// rule above holds unchanged: the payload lies right after the unpacked kernel's end
// (__kernel_phys_end), where the kernel looks, and the stub need not tell the kernel anything.
// An unpacked kernel ELF ($INGOT_KERNEL) is laid out the same way and works alike.
//
//   [PayloadHeader][program ELF][root file system: cpio newc][config records]
//
// Config records are NUL-terminated strings, each starting with a one-character tag:
//   'a' one program argument (argv[0] first),  'e' one environment entry "K=V",
//   'k' one kernel option "name=value" (e.g. "log=debug").
//
// At boot, the PVH command line (QEMU -append) can override them: it is a space-separated list
// of tokens "ingot.a=X", "ingot.e=X", "ingot.k=X" with X percent-encoded (RFC 3986 style, %HH
// for any byte outside [A-Za-z0-9._~/:,+=-]). If any "ingot.a" token is present, the command-line
// arguments replace the image's arguments; environment entries are merged, command line last wins.
// Tokens without the "ingot." prefix are ignored (hypervisors append their own).
#pragma once

#include <cstdint>

namespace ingot::image {

inline constexpr char kPayloadMagic[8] = {'I', 'N', 'G', 'O', 'T', 'P', 'L', '1'};
inline constexpr uint32_t kPayloadVersion = 1;
inline constexpr uint64_t kPayloadAlign = 4096;  // physical placement of the payload
inline constexpr uint64_t kPartAlign = 16;       // placement of each part inside it
inline constexpr uint64_t kMaxPayloadSize = 1ull << 32;

struct PayloadHeader {
    char magic[8];            // kPayloadMagic
    uint32_t version;         // kPayloadVersion
    uint32_t header_size;     // sizeof(PayloadHeader)
    uint64_t total_size;      // header + all parts, bytes
    uint64_t program_offset;  // the static x86_64 ELF to run
    uint64_t program_size;
    uint64_t files_offset;    // cpio newc archive for the read-only root; size 0 = empty root
    uint64_t files_size;
    uint64_t config_offset;   // config records (see above)
    uint64_t config_size;
    uint64_t mem_bytes;       // default guest memory for `ingot run`; 0 = ingot's default
    char program_path[64];    // absolute path of the program inside the guest, NUL-terminated
                              // (what /proc/self/exe and AT_EXECFN name), e.g. "/hello"
};
static_assert(sizeof(PayloadHeader) == 144, "PayloadHeader is an on-disk format");

// Where the payload of an image whose kernel segments end at `kernel_phys_end` is loaded.
constexpr uint64_t payload_phys_address(uint64_t kernel_phys_end) {
    return (kernel_phys_end + kPayloadAlign - 1) & ~(kPayloadAlign - 1);
}

}  // namespace ingot::image
