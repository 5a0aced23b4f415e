// The kernel variants (kernel/CMakeLists.txt), linked into the ingot binary as read-only data so
// that `ingot build` needs no other file. INGOT_KERNEL_<VARIANT>_ELF is each (stripped) kernel's
// path; without it that blob is empty.
    .macro EMBED_KERNEL name, path
    .section .rodata.ingot_kernel, "a"
    .balign 16
    .globl ingot_embedded_kernel_\name\()_start
ingot_embedded_kernel_\name\()_start:
    .incbin "\path"
    .globl ingot_embedded_kernel_\name\()_end
ingot_embedded_kernel_\name\()_end:
    .endm

    .macro EMBED_NOTHING name
    .section .rodata.ingot_kernel, "a"
    .globl ingot_embedded_kernel_\name\()_start
ingot_embedded_kernel_\name\()_start:
    .globl ingot_embedded_kernel_\name\()_end
ingot_embedded_kernel_\name\()_end:
    .endm

// One blob per variant, in the order of kKernelVariants (kernel_choice.h).
#ifdef INGOT_KERNEL_BASE_ELF
    EMBED_KERNEL base, INGOT_KERNEL_BASE_ELF
    EMBED_KERNEL block, INGOT_KERNEL_BLOCK_ELF
    EMBED_KERNEL loopback, INGOT_KERNEL_LOOPBACK_ELF
    EMBED_KERNEL loopback_block, INGOT_KERNEL_LOOPBACK_BLOCK_ELF
    EMBED_KERNEL net, INGOT_KERNEL_NET_ELF
    EMBED_KERNEL net_block, INGOT_KERNEL_NET_BLOCK_ELF
#else
    EMBED_NOTHING base
    EMBED_NOTHING block
    EMBED_NOTHING loopback
    EMBED_NOTHING loopback_block
    EMBED_NOTHING net
    EMBED_NOTHING net_block
#endif

    .section .note.GNU-stack, "", @progbits
