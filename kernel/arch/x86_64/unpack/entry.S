/* The packed kernel's PVH entry (image/packed_kernel.h). The loader enters unpack_start32 as it
 * would the kernel's own pvh_start32: 32-bit protected mode, paging off, flat segments, %ebx =
 * physical address of struct hvm_start_info. We go to long mode over an identity map of the
 * first GiB, have unpack_kernel() decode the kernel to its load address, come back to 32-bit
 * protected mode with paging off, and jump to the kernel's PVH entry with %ebx unchanged, so
 * that the kernel boots exactly as if the loader had loaded it.
 * Intel SDM Vol. 3A §10.8.5 (initializing IA-32e mode) and §10.8.5.4 (leaving it). */

#include <arch/x86_64/long_mode.h>

#define CODE64 0x08
#define DATA 0x10
#define CODE32 0x18
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define CR0_PE 1
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)

    PVH_ENTRY_NOTE unpack_start32

    .section .unpack.entry, "ax"
    .code32
    .globl unpack_start32
unpack_start32:
    cli
    cld
    /* Our .bss holds the page tables and the stack; not every loader zeroes it. %ebx is kept
     * for the kernel from here on (unpack_kernel() saves it, as the x86-64 psABI says). */
    mov $__unpack_bss_start, %edi
    mov $__unpack_bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov $unpack_stack_top, %esp

    lgdt unpack_gdt_descriptor
    mov $DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss

    /* PML4[0] -> PDPT[0] -> 512 pages of 2 MiB from physical 0. */
    movl $(unpack_pdpt + 3), unpack_pml4
    movl $(unpack_pd + 3), unpack_pdpt
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                   /* present | writable | 2 MiB page */
    mov %eax, unpack_pd(,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $unpack_pml4, %eax
    mov %eax, %cr3
    ENABLE_LONG_MODE 0, CR0_PE
    ljmp $CODE64, $unpack_long_mode

    .code64
unpack_long_mode:
    mov %ebx, %ebx                   /* the upper halves are undefined after the switch */
    mov $unpack_stack_top, %esp
    call unpack_kernel               /* returns the kernel's PVH entry; keeps %rbx */
    mov %eax, %edi

    /* Back to compatibility mode through a 32-bit code segment, then paging off, which leaves
     * IA-32e mode; then EFER.LME and CR4.PAE off, as the loader had them. */
    pushq $CODE32
    pushq $unpack_compat_mode
    lretq

    .code32
unpack_compat_mode:
    mov %cr0, %eax
    and $~CR0_PG, %eax
    mov %eax, %cr0
    mov $MSR_EFER, %ecx
    rdmsr
    and $~EFER_LME, %eax
    wrmsr
    mov %cr4, %eax
    and $~CR4_PAE, %eax
    mov %eax, %cr4
    jmp *%edi

    .section .rodata
    .balign 8
unpack_gdt:
    .quad 0
    .quad 0x00af9a000000ffff         /* CODE64: 64-bit code */
    .quad 0x00cf92000000ffff         /* DATA: flat data */
    .quad 0x00cf9a000000ffff         /* CODE32: flat 32-bit code */
unpack_gdt_end:
unpack_gdt_descriptor:
    .word unpack_gdt_end - unpack_gdt - 1
    .long unpack_gdt

    .bss
    .balign 4096
unpack_pml4:    .skip 4096
unpack_pdpt:    .skip 4096
unpack_pd:      .skip 4096
    .balign 16
unpack_stack:   .skip 8192
unpack_stack_top:
