/* Interrupt and exception entry stubs. Each pushes a uniform TrapFrame (trap_frame.h) and
 * calls trap_dispatch(TrapFrame*). Vectors that push an error code are listed in
 * Intel SDM Vol. 3A §6.15 (8, 10-14, 17, 21, 29, 30). */

#include <arch/x86_64/frame_macros.h>

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

    .altmacro
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set i, 0
    .rept 256
    TRAP_STUB %i
    .set i, i + 1
    .endr

