/* PVH entry (Xen "HVM direct boot" ABI, xen/include/public/arch-x86/hvm/start_info.h):
 * the loader enters pvh_start32 in 32-bit protected mode, paging off, with %ebx holding the
 * physical address of struct hvm_start_info. We build just enough paging to reach long mode
 * in the top 2 GiB, then call kmain(start_info_phys, boot_tsc). Intel SDM Vol. 3A §10.8.5. */

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VMA)

#include <arch/x86_64/long_mode.h>

    PVH_ENTRY_NOTE PHYS(pvh_start32)

    .section .boot.text, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %esi                   /* hvm_start_info, kept in esi/edi across mode switch */
    rdtsc                            /* boot timestamp: the first thing we do */
    mov %eax, PHYS(boot_tsc)
    mov %edx, PHYS(boot_tsc) + 4

    lgdt PHYS(boot_gdt_descriptor)

    /* Page tables: PML4[0] and PML4[511] -> 1 GiB of 2 MiB pages from physical 0. */
    mov $PHYS(boot_pdpt_low), %eax
    or $0x3, %eax
    mov %eax, PHYS(boot_pml4)
    mov $PHYS(boot_pdpt_high), %eax
    or $0x3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8
    mov $PHYS(boot_pd), %eax
    or $0x3, %eax
    mov %eax, PHYS(boot_pdpt_low)
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                   /* present | writable | 2 MiB page */
    mov %eax, PHYS(boot_pd)(,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov %cr4, %eax
    or $(1 << 5), %eax               /* CR4.PAE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    ENABLE_LONG_MODE (1 << 11), ((1 << 16) | 1)   /* and NXE; and WP, PE */
    ljmp $0x08, $PHYS(long_mode_low)

    .code64
long_mode_low:
    movabs $long_mode_high, %rax
    jmp *%rax

    .text
long_mode_high:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov %esi, %edi                   /* zero-extends: start_info physical address */
    call kmain
2:  cli
    hlt
    jmp 2b

    .section .rodata
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff         /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff         /* 0x10: data */
boot_gdt_end:
boot_gdt_descriptor:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    .data
    .balign 8
    .globl boot_tsc
boot_tsc:
    .quad 0

    .bss
    .balign 4096
    .globl boot_pml4, boot_pdpt_low
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
    .balign 16
boot_stack:     .skip 16384
    .globl boot_stack_top
boot_stack_top:
