// The kernel variants (kernel/CMakeLists.txt), linked into the ingot binary as read-only data so
// that `ingot build` needs no other file, and a table of their start and end addresses for
// main.cpp. INGOT_EMBEDDED_KERNEL_LIST names a file of `EMBED_KERNEL "path"` lines, one per
// (stripped) kernel; without it the table is empty. Each kernel says what it has in its ELF
// note, so the order does not matter.
    .macro EMBED_KERNEL path
    .section .rodata.ingot_kernel, "a"
    .balign 16
1:
    .incbin "\path"
2:
    .section .data.rel.ro.ingot_kernels, "aw"
    .quad 1b, 2b
    .endm

    .section .data.rel.ro.ingot_kernels, "aw"
    .balign 8
    .globl ingot_embedded_kernels
ingot_embedded_kernels:
#ifdef INGOT_EMBEDDED_KERNEL_LIST
#include INGOT_EMBEDDED_KERNEL_LIST
#endif
    .section .data.rel.ro.ingot_kernels, "aw"
    .globl ingot_embedded_kernels_end
ingot_embedded_kernels_end:

    .section .note.GNU-stack, "", @progbits
