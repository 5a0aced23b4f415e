// The floor: the least a PVH kernel can do. QEMU loads it with -kernel, enters it in 32-bit
// protected mode with paging off (PVH boot ABI, xen/include/public/arch-x86/hvm/start_info.h),
// and the first thing it does is power the machine off through isa-debug-exit. Whatever time a
// boot of it takes is the hypervisor's own: creating the VM, firmware, loading the ELF, exiting.

    // The note that makes this ELF bootable through PVH: XEN_ELFNOTE_PHYS32_ENTRY (18) holds
    // the 32-bit physical address of the entry point (xen/include/public/elfnote.h).
    .section .note.Xen, "a"
    .balign 4
    .long 4                 // name size: "Xen\0"
    .long 4                 // descriptor size
    .long 18                // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .long pvh_entry

    .section .text.entry, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    // isa-debug-exit (QEMU -device isa-debug-exit,iobase=0xf4): a write of V ends QEMU with
    // status (V << 1) | 1, here 1.
    movw $0xf4, %dx
    xorl %eax, %eax
    outl %eax, %dx
    // Without the device the write is ignored: stop here rather than run into whatever follows.
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
