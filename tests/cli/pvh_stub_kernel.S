// A stand-in kernel for end-to-end tests of `ingot run`: booted through PVH like the real one,
// it exercises every host channel (kernel/image/host_channels.h) without running a program.
//   COM1:        "stub cmdline=[<boot command line>]\n"
//   debugcon E9: "stub payload=<first 8 payload bytes> <program_path>\n"
//   control:     chosen by "STUB=x" on the command line: digits -> "status <digits>\n",
//                'p' -> "panic\n", 'h' -> hang forever, 'n' -> nothing; no STUB= -> "status 0\n"
// then it powers off through isa-debug-exit.
#define COM1 0x3F8
#define COM1_LSR 0x3FD
#define STDERR_PORT 0xE9
#define CONTROL_PORT 0x4E9
#define EXIT_PORT 0xF4

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 // namesz
    .long 4                 // descsz
    .long 18                // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_stub_start
    .balign 4

    .section .text, "ax"
    .code32
    .globl pvh_stub_start
// PVH entry: 32-bit protected mode, paging off, flat segments, %ebx = struct hvm_start_info.
pvh_stub_start:
    cli
    cld
    movl $stack_top, %esp
    movl 24(%ebx), %ebp             // hvm_start_info.cmdline_paddr (low half; below 4 GiB)
    testl %ebp, %ebp
    jnz 1f
    movl $empty_string, %ebp
1:
    movl $msg_cmdline, %esi
    call com1_puts
    movl %ebp, %esi
    call com1_puts
    movl $msg_close, %esi
    call com1_puts

    // The payload starts at the first 4 KiB boundary after this image (image/format.h).
    movl $__stub_phys_end, %edi
    addl $4095, %edi
    andl $~4095, %edi
    movw $STDERR_PORT, %dx
    movl $msg_payload, %esi
    call port_puts
    movl %edi, %esi
    movl $8, %ecx
2:  lodsb
    outb %al, %dx
    loop 2b
    movb $' ', %al
    outb %al, %dx
    leal 80(%edi), %esi             // PayloadHeader.program_path
    call port_puts
    movb $'\n', %al
    outb %al, %dx

    // Find "STUB=" in the command line.
    movl %ebp, %esi
3:  cmpb $0, (%esi)
    je report_default
    cmpl $0x42555453, (%esi)        // "STUB"
    jne 4f
    cmpb $'=', 4(%esi)
    je found
4:  incl %esi
    jmp 3b

found:
    addl $5, %esi
    movb (%esi), %al
    cmpb $'p', %al
    je report_panic
    cmpb $'h', %al
    je hang
    cmpb $'n', %al
    je power_off
    movw $CONTROL_PORT, %dx
    movl $msg_status, %edi
    xchgl %esi, %edi
    call port_puts
    xchgl %esi, %edi
5:  lodsb                           // copy the digits
    cmpb $'0', %al
    jb 6f
    cmpb $'9', %al
    ja 6f
    outb %al, %dx
    jmp 5b
6:  movb $'\n', %al
    outb %al, %dx
    jmp power_off

report_default:
    movw $CONTROL_PORT, %dx
    movl $msg_status_zero, %esi
    call port_puts
    jmp power_off

report_panic:
    movw $CONTROL_PORT, %dx
    movl $msg_panic, %esi
    call port_puts
    jmp power_off

hang:
    hlt
    jmp hang

power_off:
    movw $EXIT_PORT, %dx
    xorl %eax, %eax
    outl %eax, %dx
    jmp hang

// Writes the NUL-terminated string at %esi to COM1, waiting for the transmitter each time.
com1_puts:
    pushl %edx
1:  movb (%esi), %al
    testb %al, %al
    jz 3f
    movw $COM1_LSR, %dx
2:  inb %dx, %al
    testb $0x20, %al                // LSR.THRE: transmit holding register empty
    jz 2b
    movb (%esi), %al
    movw $COM1, %dx
    outb %al, %dx
    incl %esi
    jmp 1b
3:  popl %edx
    ret

// Writes the NUL-terminated string at %esi to port %dx (a debugcon: no flow control).
port_puts:
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

    .section .rodata, "a"
msg_cmdline: .asciz "stub cmdline=["
msg_close: .asciz "]\n"
msg_payload: .asciz "stub payload="
msg_status: .asciz "status "
msg_status_zero: .asciz "status 0\n"
msg_panic: .asciz "panic\n"
empty_string: .asciz ""

    .section .bss, "aw", @nobits
    .balign 16
    .space 4096
stack_top:

    .section .note.GNU-stack, "", @progbits
