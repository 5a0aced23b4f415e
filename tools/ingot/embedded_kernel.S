// The kernel ELF, linked into the ingot binary as read-only data so that `ingot build` needs no
// other file. INGOT_KERNEL_ELF is the (stripped) kernel's path; without it the blob is empty.
    .section .rodata.ingot_kernel, "a"
    .balign 16
    .globl ingot_embedded_kernel_start
ingot_embedded_kernel_start:
#ifdef INGOT_KERNEL_ELF
    .incbin INGOT_KERNEL_ELF
#endif
    .globl ingot_embedded_kernel_end
ingot_embedded_kernel_end:

    .section .note.GNU-stack, "", @progbits
