/* Assembler macros for the 32-bit entry paths: the kernel's (boot.S), the packed kernel's
 * (unpack/entry.S) and the secondary CPUs' (ap_start.S). */
#pragma once

/* The ELF note by which a PVH loader finds the 32-bit entry point `entry`, a physical address
 * (Xen's public/elfnote.h, XEN_ELFNOTE_PHYS32_ENTRY). */
.macro PVH_ENTRY_NOTE entry
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4                          /* name size: "Xen\0" */
    .long 4                          /* descriptor size */
    .long 18                         /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .long \entry
    .balign 4
    .popsection
.endm

/* With CR4.PAE and CR3 already set: IA32_EFER.LME (and `efer_bits`), then CR0.PG (and
 * `cr0_bits`) turn on long mode with paging (Intel SDM Vol. 3A §10.8.5). The far jump to a
 * 64-bit code segment that must follow is the caller's. Clobbers eax, ecx and edx. */
.macro ENABLE_LONG_MODE efer_bits, cr0_bits
    mov $0xC0000080, %ecx            /* IA32_EFER */
    rdmsr
    or $((1 << 8) | \efer_bits), %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | \cr0_bits), %eax
    mov %eax, %cr0
.endm
