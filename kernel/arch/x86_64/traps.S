/* Interrupt and exception entry stubs. Each pushes a uniform TrapFrame (trap_frame.h) and
 * calls trap_dispatch(TrapFrame*). Vectors that push an error code are listed in
 * Intel SDM Vol. 3A §6.15 (8, 10-14, 17, 21, 29, 30); all of them are exceptions (0-31). */

#include <arch/x86_64/frame_macros.h>

    /* An exception: the error code (0 where the CPU pushes none), then the vector. */
    .macro TRAP_STUB vector
    .balign 16
trap_stub_\vector:
    .if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30)
    push $0
    .endif
    push $\vector
    jmp trap_common
    /* Stubs are found by address, trap_stubs + 16 * vector (idt.cpp), not through a table;
     * .org pads each to 16 bytes and fails the build should one ever be longer. */
    .org trap_stub_\vector + 16, 0xcc
    .endm

    /* An interrupt (32-255): no error code, so one push of the vector less 128, which fits a
     * sign-extended byte, keeps the stub to 8 bytes; irq_common makes the frame uniform. */
    .macro IRQ_STUB vector
trap_stub_\vector:
    push $(\vector - 128)
    jmp irq_common
    .org trap_stub_\vector + 8, 0xcc
    .endm

    .text
    .globl trap_common
trap_common:
    testb $3, 24(%rsp)               /* CS of the interrupted code: from ring 3? */
    jz 1f
    swapgs
1:  PUSH_REGS
    cld
    mov %rsp, %rdi
    call trap_dispatch
    .globl trap_return
trap_return:
    POP_REGS
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:  add $16, %rsp                    /* vector and error code */
    iretq

/* The one pushed word of an IRQ_STUB sits where the error code goes: copy it below, turn the
 * copy back into the vector and clear the error code. */
irq_common:
    push (%rsp)
    addq $128, (%rsp)
    movq $0, 8(%rsp)
    jmp trap_common

    .altmacro
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set i, 0
    .rept 32
    TRAP_STUB %i
    .set i, i + 1
    .endr
    .globl irq_stubs
irq_stubs:
    .rept 224
    IRQ_STUB %i
    .set i, i + 1
    .endr

