/* Where a secondary CPU starts (Intel SDM Vol. 3A §9.4.4, "MP initialization example"): the
 * start-up IPI leaves it in real mode at CS:IP = page:0 of a page below 1 MiB. smp.cpp copies
 * this code there and fills in the fields at its end (ap_start_*), then starts one CPU at a
 * time. The code goes 16-bit -> 32-bit protected mode -> 64-bit long mode with paging, then
 * jumps to ap_entry(cpu) on the kernel stack it was given. Only position-independent forms
 * are used: 16-bit code addresses data relative to CS (= the page) and keeps the page's
 * address in ebx for the 32-bit code; 64-bit code uses rip-relative addressing. The CPU
 * arrives with no usable stack (INIT leaves esp 0), so nothing is pushed before long mode. */

#include <arch/x86_64/long_mode.h>

#define GDT_CODE32 0x08
#define GDT_DATA 0x10
#define GDT_CODE64 0x18

    .section .rodata
    .balign 16
    .globl ap_start_begin
ap_start_begin:
    .code16
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    movzwl %ax, %ebx
    shl $4, %ebx                     /* ebx: the page's address */
    /* The GDT's linear address and the far pointer's offset were filled in by smp.cpp. */
    lgdtl ap_start_gdt_pointer - ap_start_begin
    mov %cr0, %eax
    or $1, %eax                      /* CR0.PE */
    mov %eax, %cr0
    ljmpl *(ap_start_far32 - ap_start_begin)

    .code32
protected_mode:
    mov $GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss

    mov %cr4, %eax
    or $((1 << 5) | (1 << 7)), %eax  /* CR4.PAE, CR4.PGE */
    mov %eax, %cr4
    mov (ap_start_page_table - ap_start_begin)(%ebx), %eax
    mov %eax, %cr3
    ENABLE_LONG_MODE (1 << 11), (1 << 16)         /* and NXE; and WP */
    ljmp *(ap_start_far64 - ap_start_begin)(%ebx)

    .code64
long_mode:
    mov ap_start_stack(%rip), %rsp
    mov ap_start_cpu(%rip), %edi
    mov ap_start_entry(%rip), %rax
    xor %ebp, %ebp
    call *%rax                       /* ap_entry(cpu): never returns */
2:  cli
    hlt
    jmp 2b

    .balign 8
ap_start_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff         /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff         /* 0x10: data */
    .quad 0x00af9a000000ffff         /* 0x18: 64-bit code */
ap_start_gdt_end:
    .globl ap_start_gdt_pointer, ap_start_far32, ap_start_far64
ap_start_gdt_pointer:
    .word ap_start_gdt_end - ap_start_gdt - 1
    .long ap_start_gdt - ap_start_begin          /* + the page's address */
ap_start_far32:
    .long protected_mode - ap_start_begin        /* + the page's address */
    .word GDT_CODE32
ap_start_far64:
    .long long_mode - ap_start_begin             /* + the page's address */
    .word GDT_CODE64
    .balign 8
    .globl ap_start_page_table, ap_start_stack, ap_start_entry, ap_start_cpu
ap_start_page_table: .quad 0   /* below 4 GiB: loaded in 32-bit mode */
ap_start_stack:      .quad 0
ap_start_entry:      .quad 0
ap_start_cpu:        .quad 0
    .globl ap_start_end
ap_start_end:
